namespace Ntdbg.Symbols.Model;

/// <summary>
/// The lookups every <see cref="ISymbolSource"/> needs, built once from its symbols: RVA order in a
/// compact <c>uint[]</c> for binary search (no allocation per lookup), and a case-insensitive
/// name map over both undecorated and decorated names.
/// For address lookups, among symbols sharing an RVA the first in preference order wins
/// (functions, then data, labels, publics, exports; then shorter names), so answers are deterministic.
/// </summary>
public sealed class SymbolIndex
{
    private readonly ModuleSymbol[] _sorted;
    private readonly uint[] _rvas;
    private readonly int[] _floor;
    private readonly Dictionary<string, ModuleSymbol[]> _byName;

    public SymbolIndex(IEnumerable<ModuleSymbol> symbols)
    {
        _sorted = symbols.ToArray();
        Array.Sort(_sorted, (a, b) => a.Rva != b.Rva ? a.Rva.CompareTo(b.Rva)
            : a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind)
            : a.Name.Length != b.Name.Length ? a.Name.Length.CompareTo(b.Name.Length)
            : string.CompareOrdinal(a.Name, b.Name));
        // One entry per distinct RVA for address lookups: the preferred symbol there.
        var rvas = new List<uint>(_sorted.Length);
        var floor = new List<int>(_sorted.Length);
        for (int i = 0; i < _sorted.Length; i++)
            if (rvas.Count == 0 || rvas[^1] != _sorted[i].Rva)
            {
                rvas.Add(_sorted[i].Rva);
                floor.Add(i);
            }
        _rvas = [.. rvas];
        _floor = [.. floor];

        var names = new Dictionary<string, List<ModuleSymbol>>(_sorted.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var s in _sorted)
        {
            Add(names, s.Name, s);
            if (s.DecoratedName != null && s.DecoratedName != s.Name) Add(names, s.DecoratedName, s);
        }
        _byName = new Dictionary<string, ModuleSymbol[]>(names.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in names) _byName[k] = [.. v];
    }

    private static void Add(Dictionary<string, List<ModuleSymbol>> names, string key, ModuleSymbol s)
    {
        if (!names.TryGetValue(key, out var list)) names[key] = list = new List<ModuleSymbol>(1);
        list.Add(s);
    }

    /// <summary>All symbols, by RVA then preference.</summary>
    public IReadOnlyList<ModuleSymbol> Symbols => _sorted;

    public IReadOnlyList<ModuleSymbol> FindByName(string name) =>
        _byName.TryGetValue(name, out var list) ? list : [];

    public IEnumerable<ModuleSymbol> Match(string pattern)
    {
        if (!SymbolWildcard.IsPattern(pattern))
        {
            foreach (var s in FindByName(pattern)) yield return s;
            yield break;
        }
        foreach (var s in _sorted)
            if (SymbolWildcard.Matches(pattern, s.Name)
                || (s.DecoratedName != null && SymbolWildcard.Matches(pattern, s.DecoratedName)))
                yield return s;
    }

    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement)
    {
        int i = FloorIndex(rva);
        if (i < 0)
        {
            symbol = null!;
            displacement = 0;
            return false;
        }
        symbol = _sorted[_floor[i]];
        displacement = rva - symbol.Rva;
        return true;
    }

    public ModuleSymbol? FindNext(uint rva)
    {
        int i = FloorIndex(rva) + 1;
        return i < _rvas.Length ? _sorted[_floor[i]] : null;
    }

    private int FloorIndex(uint rva)
    {
        int lo = 0, hi = _rvas.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (_rvas[mid] <= rva) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
