using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Text;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Tests.Commands;

public static class Run
{
    /// <summary>Runs a command line against a target and returns its WinDbg text.</summary>
    public static string Text(ITarget target, string commands, DebugSession? session = null)
    {
        session ??= new DebugSession(target);
        var exec = new CommandExecutor(session);
        var w = new StringWriter();
        foreach (var o in exec.ExecuteLine(commands)) TextRendering.Default.Render(o, w);
        return w.ToString();
    }

    public static string[] Lines(ITarget target, string commands) =>
        Text(target, commands).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
