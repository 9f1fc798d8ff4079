using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Isf;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Triage;

/// <summary>
/// What every `ntdbg triage &lt;kind&gt; &lt;dump&gt;` verb takes: the dump, `-y` (default `_NT_SYMBOL_PATH`),
/// `--json`, one count option (`--frames`, `--top`) and, where the verb has one, `--drivers folder`;
/// and how each opens the dump (ISF kernel symbols from the same path) into a session.
/// </summary>
public sealed record TriageArguments(string Dump, string? SymbolPath, bool Json, int Count, string? Drivers)
{
    /// <param name="args">The verb's arguments, starting with its kind ("crash", "pool", "leak").</param>
    /// <param name="countOption">"--frames" or "--top"; <paramref name="count"/> is its default.</param>
    /// <returns>Null after writing a one-line reason and the usage to <paramref name="error"/>.</returns>
    public static TriageArguments? Parse(string[] args, string kind, string countOption, int count, bool takesDrivers, string usage, TextWriter error)
    {
        if (args.Length < 2 || args[0] != kind)
        {
            error.WriteLine(usage);
            return null;
        }
        string dump = args[1];
        string? symbolPath = Environment.GetEnvironmentVariable("_NT_SYMBOL_PATH");
        string? drivers = null;
        bool json = false;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "-y" && i + 1 < args.Length) symbolPath = args[++i];
            else if (args[i] == "--json") json = true;
            else if (takesDrivers && args[i] == "--drivers" && i + 1 < args.Length) drivers = args[++i];
            else if (args[i] == countOption && i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0) { count = n; i++; }
            else
            {
                error.WriteLine($"ntdbg triage: unexpected '{args[i]}'");
                error.WriteLine(usage);
                return null;
            }
        }
        if (!File.Exists(dump))
        {
            error.WriteLine($"ntdbg triage: no dump '{dump}'");
            return null;
        }
        if (drivers != null && !Directory.Exists(drivers))
        {
            error.WriteLine($"ntdbg triage: no folder '{drivers}'");
            return null;
        }
        return new TriageArguments(dump, symbolPath, json, count, drivers);
    }

    /// <summary>The dump opened with this symbol path; the caller disposes the target.</summary>
    public ITarget Open() => TargetLoader.Open(Dump, new IsfKernelSymbolProvider(Symbols.Locators.SymbolPath.Parse(SymbolPath)));

    /// <summary>
    /// The session for the verb, or null (with a one-line reason) when the dump is not of the kind the verb
    /// needs (a pool triage on a user dump, a leak triage on a kernel dump).
    /// </summary>
    public DebugSession? Session(ITarget target, TargetKind? needs, string what, TextWriter error)
    {
        if (needs is { } kind && target.Kind != kind)
        {
            error.WriteLine($"ntdbg triage: {Dump} is a {target.FormatDescription}: {what} needs a {(kind == TargetKind.KernelDump ? "kernel" : "user")} dump");
            return null;
        }
        return new DebugSession(target, SymbolPath);
    }
}
