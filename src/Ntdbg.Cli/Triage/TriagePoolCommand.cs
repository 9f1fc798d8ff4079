using Ntdbg.Commands.Commands.Pool.Triage;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Triage;

/// <summary>
/// `ntdbg triage pool &lt;dump&gt; [-y SymbolPath] [--drivers folder] [--top N] [--json]`: the pool-leak
/// triage (<see cref="PoolTriage"/>) of a kernel dump as a report or one JSON object. The drivers
/// folder is searched for the suspect tags and joins the symbol path, so PDBs beside the drivers
/// name the functions in the dump's module images too.
/// </summary>
public static class TriagePoolCommand
{
    public const string Usage = "usage: ntdbg triage pool <dump> [-y SymbolPath] [--drivers <folder>] [--top N] [--json]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (TriageArguments.Parse(args, "pool", "--top", 5, takesDrivers: true, Usage, error) is not { } a) return 2;
        if (a.Drivers != null) a = a with { SymbolPath = VerbOutput.WithFolder(a.SymbolPath, a.Drivers) };
        using var target = a.Open();
        if (a.Session(target, TargetKind.KernelDump, "pool triage", error) is not { } session) return 2;
        return VerbOutput.Write("triage pool", PoolTriage.Run(session, a.Drivers, a.Count), a.Json, output);
    }
}
