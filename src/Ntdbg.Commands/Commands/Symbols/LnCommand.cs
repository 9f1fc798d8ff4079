using Ntdbg.Commands.Engine;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>ln [Address]: the nearest symbols around an address (the instruction pointer when omitted).</summary>
[Command("ln", Summary = "List the nearest symbols at or around an address", Usage = "ln [Address]")]
public sealed class LnCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        ulong address = context.Args.TryReadExpression()
            ?? s.CurrentContext?.InstructionPointer
            ?? throw new CommandException("ln: no address given and no register context for the current thread");
        if (!context.Args.AtEnd) throw new CommandException($"Syntax error at '{context.Args.Rest}'");

        var hit = s.SymbolTable.LookupAddress(address);
        if (hit == null) return new LnResult(s.PointerSize, address, null, null, []);
        var module = hit.Module;
        ulong moduleBase = module.Module.Base;
        var nearest = new LnSymbol(hit.Symbol != null ? moduleBase + hit.Symbol.Rva : moduleBase, hit.Display);

        var source = module.Source;
        LnSymbol? next = null;
        ulong offset = address - moduleBase;
        if (source != null && offset <= uint.MaxValue && source.FindNext((uint)offset) is { } following)
            next = new LnSymbol(moduleBase + following.Rva, $"{module.Name}!{following.Name}");

        var exact = new List<SymbolEntry>();
        if (source != null && hit.Symbol != null && hit.Displacement == 0)
        {
            var describer = new SymbolDescriber(s);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var symbol in AtRva(source.Symbols, hit.Symbol.Rva))
                if (seen.Add(symbol.Name)) exact.Add(describer.Describe(module, source, symbol));
            // A public symbol where a private one starts is the same object under its linker name
            // (clang's Itanium `_ZN4Blob6m_HeapE` beside `Blob::m_Heap`): the private symbol names it.
            if (exact.Any(e => e.Private)) exact.RemoveAll(e => !e.Private);
        }
        return new LnResult(s.PointerSize, address, nearest, next, exact);
    }

    /// <summary>The symbols at exactly this RVA, from the source's RVA-sorted list (binary search, then a short walk).</summary>
    private static IEnumerable<ModuleSymbol> AtRva(IReadOnlyList<ModuleSymbol> sorted, uint rva)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].Rva < rva) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < sorted.Count && sorted[i].Rva == rva; i++) yield return sorted[i];
    }
}
