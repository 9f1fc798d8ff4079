using Ntdbg.Commands.Commands.Pool.Triage;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
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
        if (args.Length < 2 || args[0] != "pool")
        {
            error.WriteLine(Usage);
            return 2;
        }
        string dump = args[1];
        string? symbolPath = Environment.GetEnvironmentVariable("_NT_SYMBOL_PATH");
        string? drivers = null;
        bool json = false;
        int top = 5;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "-y" && i + 1 < args.Length) symbolPath = args[++i];
            else if (args[i] == "--drivers" && i + 1 < args.Length) drivers = args[++i];
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
        if (drivers != null && !Directory.Exists(drivers))
        {
            error.WriteLine($"ntdbg triage: no folder '{drivers}'");
            return 2;
        }
        if (drivers != null) symbolPath = VerbOutput.WithFolder(symbolPath, drivers);
        using var target = TargetLoader.Open(dump, new IsfKernelSymbolProvider(SymbolPath.Parse(symbolPath)));
        if (target.Kind != TargetKind.KernelDump)
        {
            error.WriteLine($"ntdbg triage: {dump} is a {target.FormatDescription}: pool triage needs a kernel dump");
            return 2;
        }
        var session = new DebugSession(target, symbolPath);
        return VerbOutput.Write("triage pool", PoolTriage.Run(session, drivers, top), json, output);
    }
}
