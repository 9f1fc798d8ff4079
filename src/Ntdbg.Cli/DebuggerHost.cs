using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Json;
using Ntdbg.Commands.Rendering.Text;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Cli;

/// <summary>Opens the target, prints the banner, then runs -c commands or the interactive prompt.</summary>
public sealed class DebuggerHost(CliOptions options, TextWriter output, TextReader input)
{
    public int Run(ITarget target)
    {
        var session = new DebugSession(target, options.SymbolPath);
        var executor = new CommandExecutor(session);
        if (!options.Json && !options.Quiet) WriteBanner(target, session);

        if (options.Commands != null)
        {
            foreach (var outcome in executor.ExecuteLine(options.Commands))
                Write(outcome, session, echo: true);
            return 0;
        }
        while (!session.QuitRequested)
        {
            output.Write(session.Prompt);
            output.Flush();
            string? line = input.ReadLine();
            if (line == null) break;
            foreach (var outcome in executor.ExecuteLine(line))
                Write(outcome, session, echo: false);
        }
        return 0;
    }

    private void Write(CommandOutcome outcome, DebugSession session, bool echo)
    {
        if (options.Json)
        {
            output.WriteLine(JsonRendering.Render(outcome));
            return;
        }
        if (echo) output.WriteLine(session.Prompt + outcome.Command);
        TextRendering.Default.Render(outcome, output);
    }

    private void WriteBanner(ITarget target, DebugSession session)
    {
        output.WriteLine("ntdbg - post-mortem debugger for Windows dumps");
        output.WriteLine();
        output.WriteLine($"Loading Dump File [{Path.GetFullPath(target.Path)}]");
        output.WriteLine($"{target.FormatDescription}");
        foreach (var w in target.Warnings) output.WriteLine($"WARNING: {w}");
        string path = session.Symbols.Path.ToString();
        output.WriteLine($"Symbol search path is: {(path.Length > 0 ? path : "<empty>")}");
        output.WriteLine();
    }
}
