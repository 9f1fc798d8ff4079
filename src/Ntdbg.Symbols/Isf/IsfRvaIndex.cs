namespace Ntdbg.Symbols.Isf;

/// <summary>
/// Symbols sorted by RVA in two parallel arrays, so an address lookup is one binary search over
/// a compact <c>uint[]</c> (cache-friendly, no allocation). Symbols sharing an RVA keep the one
/// whose name sorts first ordinally, so answers are deterministic.
/// </summary>
internal sealed class IsfRvaIndex
{
    private readonly uint[] _rvas;
    private readonly IsfSymbol[] _symbols;

    public IsfRvaIndex(IEnumerable<IsfSymbol> symbols)
    {
        var sorted = symbols.ToArray();
        Array.Sort(sorted, (a, b) => a.Rva != b.Rva ? a.Rva.CompareTo(b.Rva) : string.CompareOrdinal(a.Name, b.Name));
        // Keep one symbol per RVA: the first after sorting.
        int n = 0;
        for (int i = 0; i < sorted.Length; i++)
            if (n == 0 || sorted[n - 1].Rva != sorted[i].Rva) sorted[n++] = sorted[i];
        _symbols = sorted[..n];
        _rvas = new uint[n];
        for (int i = 0; i < n; i++) _rvas[i] = _symbols[i].Rva;
    }

    public int Count => _rvas.Length;

    /// <summary>The symbol at or below <paramref name="rva"/>, or null when the RVA precedes every symbol.</summary>
    public IsfSymbol? Floor(uint rva)
    {
        int lo = 0, hi = _rvas.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (_rvas[mid] <= rva) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : _symbols[found];
    }
}
