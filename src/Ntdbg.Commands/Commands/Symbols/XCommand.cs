using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>
/// x [Options] Module!Symbol: the symbols whose module and name match the wildcards (`*`, `?`, no
/// case), loading deferred symbols as the search reaches them. The symbol part may hold spaces
/// ("operator new"), and one leading underscore stands for any number of them, as in WinDbg.
/// No match prints nothing, as WinDbg does.
/// </summary>
[Command("x", Summary = "Examine symbols: list the symbols that match Module!Pattern",
    Usage = "x [/t] [/v] [/0|/1|/2] [/p] [/f|/d] [/s Size] [/a|/A|/n|/N|/z|/Z] Module!Symbol")]
public sealed class XCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var columns = XColumns.Full;
        bool types = false, verbose = false, noSpace = false, functionsOnly = false, dataOnly = false;
        ulong? sizeFilter = null;
        Comparison<SymbolEntry>? order = null;
        while (context.Args.TryOption("/") is { } option)
        {
            switch (option)
            {
                case "t": types = true; break;
                case "v": verbose = true; break;
                case "0": columns = XColumns.AddressOnly; break;
                case "1": columns = XColumns.NameOnly; break;
                case "2": columns = XColumns.AddressAndName; break;
                case "p": noSpace = true; break;
                case "f": functionsOnly = true; break;
                case "d": dataOnly = true; break;
                case "s":
                    sizeFilter = context.Args.ReadExpression();
                    if (sizeFilter == 0) throw new CommandException("x: /s needs a nonzero size");
                    break;
                case "a": order = (a, b) => a.Address.CompareTo(b.Address); break;
                case "A": order = (a, b) => b.Address.CompareTo(a.Address); break;
                case "n": order = (a, b) => CompareNames(a, b); break;
                case "N": order = (a, b) => CompareNames(b, a); break;
                case "z": order = (a, b) => a.Size.CompareTo(b.Size); break;
                case "Z": order = (a, b) => b.Size.CompareTo(a.Size); break;
                default: throw new CommandException($"x: unknown option /{option} (x [/t] [/v] [/0|/1|/2] [/p] [/f|/d] [/s Size] [/a|/A|/n|/N|/z|/Z] Module!Symbol)");
            }
        }
        string pattern = context.Args.Rest.Trim();
        if (pattern.Length == 0) throw new CommandException("x: a pattern is expected (x [Options] Module!Symbol)");
        if (pattern == "*") throw new CommandException("x *: local variables need private symbols and a scope frame, which this session does not have; use x Module!*");

        var found = new List<SymbolEntry>();
        var describer = new SymbolDescriber(s);
        foreach (var (module, source, symbol) in Find(s, pattern))
        {
            var entry = describer.Describe(module, source, symbol);
            if (functionsOnly && entry.Class == SymbolEntryClass.Data) continue;
            if (dataOnly && entry.Class != SymbolEntryClass.Data) continue;
            // Symbols whose size is unknown always pass the /s filter (WinDbg's rule).
            if (sizeFilter is { } want && entry.Size != 0 && entry.Size != want) continue;
            found.Add(entry);
        }
        if (order != null)
        {
            // A stable sort: ties keep the search order.
            var indexed = found.Select((e, i) => (e, i)).ToList();
            indexed.Sort((x, y) => order(x.e, y.e) is int c && c != 0 ? c : x.i.CompareTo(y.i));
            found = [.. indexed.Select(x => x.e)];
        }
        return new XResult(s.PointerSize, columns, types, verbose, noSpace, found);
    }

    private static int CompareNames(SymbolEntry a, SymbolEntry b) =>
        string.Compare(a.QualifiedName, b.QualifiedName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every (module, symbol) pair the pattern names, in module load order then RVA order.</summary>
    public static IEnumerable<(ModuleSymbols Module, ISymbolSource Source, ModuleSymbol Symbol)> Find(DebugSession s, string pattern)
    {
        int bang = pattern.IndexOf('!');
        string modulePattern = bang >= 0 ? pattern[..bang].Trim() : "*";
        string namePattern = bang >= 0 ? pattern[(bang + 1)..].Trim() : pattern;
        if (modulePattern.Length == 0 || namePattern.Length == 0) yield break;
        // "_foo" stands for "foo", "_foo", "__foo"...: the leading underscores C compilers add vary.
        bool anyUnderscores = namePattern.Length > 1 && namePattern[0] == '_' && namePattern[1] != '_';
        string stripped = anyUnderscores ? namePattern[1..] : namePattern;
        foreach (var module in s.SymbolTable.Modules)
        {
            if (!SymbolWildcard.Matches(modulePattern, module.Name)) continue;
            var source = s.SymbolTable.EnsureLoaded(module);
            if (source == null) continue;
            // A PDB names a function twice (its procedure record and its public): show it once. Sources
            // list records of one RVA richest first (functions and data before publics), so the first stays.
            var seen = new HashSet<(uint, string)>();
            var symbols = anyUnderscores
                ? source.Symbols.Where(symbol => SymbolWildcard.Matches(stripped, symbol.Name.AsSpan().TrimStart('_')))
                : source.Match(namePattern);
            foreach (var symbol in symbols)
                if (seen.Add((symbol.Rva, symbol.Name)))
                    yield return (module, source, symbol);
        }
    }
}
