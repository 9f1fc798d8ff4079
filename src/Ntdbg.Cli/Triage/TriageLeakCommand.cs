using Ntdbg.Commands.Commands.HeapLeak;
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
        if (TriageArguments.Parse(args, "leak", "--top", 5, takesDrivers: false, Usage, error) is not { } a) return 2;
        using var target = a.Open();
        if (a.Session(target, TargetKind.UserDump, "leak triage", error) is not { } session) return 2;
        return VerbOutput.Write("triage leak", LeakTriage.Run(session, a.Count), a.Json, output);
    }
}
