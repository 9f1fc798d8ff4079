using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// Names the function around an RVA: from the image's symbols (PDB, ISF, breakpad) when given,
/// otherwise the .pdata entry's start, named by an export starting there (or null: the caller
/// prints the RVA). A .pdata or export table the dump lacks leaves names unknown, not wrong.
/// </summary>
internal sealed class PoolFunctionNamer
{
    private readonly ISymbolSource? _symbols;
    private readonly PeRuntimeFunction[] _functions = [];
    private readonly Dictionary<uint, string> _exports = new();

    public PoolFunctionNamer(PeImage image, ISymbolSource? symbols)
    {
        _symbols = symbols?.Kind == SymbolSourceKind.Exports ? null : symbols; // exports: .pdata + exports below say more
        try { _functions = image.ReadRuntimeFunctions().OrderBy(f => f.BeginAddress).ToArray(); }
        catch (Exception e) when (e is MemoryFaultException or DumpFormatException) { _functions = []; }
        try
        {
            var exports = image.ReadExports();
            if (exports != null)
                foreach (var e in exports.Exports)
                    if (e.Name != null && !e.IsForwarder) _exports.TryAdd(e.Rva, e.Name);
        }
        catch (Exception e) when (e is MemoryFaultException or DumpFormatException) { _exports.Clear(); }
    }

    public (string? Name, uint Start) Name(uint rva)
    {
        if (_symbols != null && _symbols.TryFindByRva(rva, out var symbol, out _)) return (symbol.Name, symbol.Rva);
        uint start = FunctionStart(rva);
        return (_exports.TryGetValue(start, out var name) ? name : null, start);
    }

    /// <summary>The .pdata entry covering <paramref name="rva"/>, when there is one with a known end.</summary>
    public bool TryFindFunction(uint rva, out uint begin, out uint end)
    {
        int i = FunctionIndex(rva);
        begin = end = 0;
        if (i < 0 || _functions[i].EndAddress is not uint e || rva >= e) return false;
        begin = _functions[i].BeginAddress;
        end = e;
        return true;
    }

    private uint FunctionStart(uint rva)
    {
        int found = FunctionIndex(rva);
        return found >= 0 ? _functions[found].BeginAddress : 0;
    }

    private int FunctionIndex(uint rva)
    {
        int lo = 0, hi = _functions.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (_functions[mid].BeginAddress <= rva) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
