using Ntdbg.Commands.Commands.Analyze;

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
        if (TriageArguments.Parse(args, "crash", "--frames", 10, takesDrivers: false, Usage, error) is not { } a) return 2;
        using var target = a.Open();
        var session = a.Session(target, null, "crash triage", error)!;
        var report = new TriageReport(a.Dump, AnalyzeCommand.Run(session), session.PointerSize, a.Count);
        return VerbOutput.Write("triage crash", report, a.Json, output);
    }
}
