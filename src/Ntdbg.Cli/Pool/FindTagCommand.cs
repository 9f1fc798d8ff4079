using Ntdbg.Analyses.Pool;
using Ntdbg.Commands.Commands.Pool.FindTag;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Pool;

/// <summary>
/// `ntdbg pool findtag &lt;tag&gt; [--dir folder] [dump] [-y SymbolPath] [--json]`: which images use a
/// pool tag, from their code (immediates passed to the pool routines) rather than a byte search
/// alone: the module images a dump holds, and/or the image files under a folder (the current
/// one when neither a dump nor a folder is given; with both, the folder joins the symbol path).
/// Rendered by <see cref="PoolFindTagText"/> or as JSON.
/// </summary>
public static class FindTagCommand
{
    public const string Usage = "usage: ntdbg pool findtag <tag> [--dir <folder of .sys/.dll/.exe>] [dump] [-y SymbolPath] [--json]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[0] != "findtag")
        {
            error.WriteLine(Usage);
            return 2;
        }
        string? directory = null, dump = null;
        string? symbolPath = Environment.GetEnvironmentVariable("_NT_SYMBOL_PATH");
        bool json = false;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "--dir" && i + 1 < args.Length) directory = args[++i];
            else if (args[i] == "-y" && i + 1 < args.Length) symbolPath = args[++i];
            else if (args[i] == "--json") json = true;
            else if (dump == null && !args[i].StartsWith('-')) dump = args[i];
            else
            {
                error.WriteLine($"ntdbg pool: unexpected '{args[i]}'");
                error.WriteLine(Usage);
                return 2;
            }
        }
        PoolTagPattern tag;
        try { tag = PoolTagPattern.Parse(args[1]); }
        catch (ArgumentException e)
        {
            error.WriteLine($"ntdbg pool: {e.Message}");
            return 2;
        }
        if (dump == null) directory ??= Directory.GetCurrentDirectory();
        if (directory != null && !Directory.Exists(directory))
        {
            error.WriteLine($"ntdbg pool: no folder '{directory}'");
            return 2;
        }
        if (dump != null && !File.Exists(dump))
        {
            error.WriteLine($"ntdbg pool: no dump '{dump}'");
            return 2;
        }
        // PDBs beside the drivers name the functions of the dump's module images too.
        if (dump != null && directory != null) symbolPath = VerbOutput.WithFolder(symbolPath, directory);
        using var target = dump != null ? TargetLoader.Open(dump, new IsfKernelSymbolProvider(SymbolPath.Parse(symbolPath))) : null;
        var session = target != null ? new DebugSession(target, symbolPath) : null;
        return VerbOutput.Write("pool findtag", PoolFindTag.Run(tag, session, directory), json, output);
    }
}
