using Ntdbg.Commands.Commands.Analyze;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Triage;

/// <summary>
/// `ntdbg triage crash &lt;dump&gt; [-y SymbolPath] [--json] [--frames N]`: the crash analysis of
/// !analyze -v as a short report (or one JSON object), for scripts and tickets.
/// </summary>
public static class TriageCommand
{
    public const string Usage = "usage: ntdbg triage crash <dump> [-y SymbolPath] [--json] [--frames N]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length > 0 && args[0] == "pool") return TriagePoolCommand.Run(args, output, error);
        if (args.Length > 0 && args[0] == "leak") return TriageLeakCommand.Run(args, output, error);
        if (args.Length < 2 || args[0] != "crash")
        {
            error.WriteLine(Usage);
            error.WriteLine(TriagePoolCommand.Usage);
            error.WriteLine(TriageLeakCommand.Usage);
            return 2;
        }
        string dump = args[1];
        string? symbolPath = Environment.GetEnvironmentVariable("_NT_SYMBOL_PATH");
        bool json = false;
        int frames = 10;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "-y" && i + 1 < args.Length) symbolPath = args[++i];
            else if (args[i] == "--json") json = true;
            else if (args[i] == "--frames" && i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0) { frames = n; i++; }
            else
            {
                error.WriteLine($"ntdbg triage: unexpected '{args[i]}'");
                error.WriteLine(Usage);
                return 2;
            }
        }
        using var target = TargetLoader.Open(dump, new IsfKernelSymbolProvider(SymbolPath.Parse(symbolPath)));
        var session = new DebugSession(target, symbolPath);
        var report = new TriageReport(dump, AnalyzeCommand.Run(session), session.PointerSize, frames);
        return VerbOutput.Write("triage crash", report, json, output);
    }
}
