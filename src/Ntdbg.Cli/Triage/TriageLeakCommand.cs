using Ntdbg.Commands.Commands.HeapLeak;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Triage;

/// <summary>
/// `ntdbg triage leak &lt;dump&gt; [-y SymbolPath] [--top N] [--json]`: the user-dump memory-leak playbook
/// (<see cref="LeakTriage"/>) as a report or one JSON object.
/// </summary>
public static class TriageLeakCommand
{
    public const string Usage = "usage: ntdbg triage leak <dump> [-y SymbolPath] [--top N] [--json]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[0] != "leak")
        {
            error.WriteLine(Usage);
            return 2;
        }
        string dump = args[1];
        string? symbolPath = Environment.GetEnvironmentVariable("_NT_SYMBOL_PATH");
        bool json = false;
        int top = 5;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "-y" && i + 1 < args.Length) symbolPath = args[++i];
            else if (args[i] == "--json") json = true;
            else if (args[i] == "--top" && i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0) { top = n; i++; }
            else
            {
                error.WriteLine($"ntdbg triage: unexpected '{args[i]}'");
                error.WriteLine(Usage);
                return 2;
            }
        }
        if (!File.Exists(dump))
        {
            error.WriteLine($"ntdbg triage: no dump '{dump}'");
            return 2;
        }
        using var target = TargetLoader.Open(dump, new IsfKernelSymbolProvider(SymbolPath.Parse(symbolPath)));
        if (target.Kind != TargetKind.UserDump)
        {
            error.WriteLine($"ntdbg triage: {dump} is a {target.FormatDescription}: leak triage needs a user dump");
            return 2;
        }
        var session = new DebugSession(target, symbolPath);
        return VerbOutput.Write("triage leak", LeakTriage.Run(session, top), json, output);
    }
}
