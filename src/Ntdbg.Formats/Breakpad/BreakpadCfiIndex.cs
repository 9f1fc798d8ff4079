namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// STACK CFI lookups: the INIT record covering an address, then every delta record from the
/// INIT's address up to and including the address, applied in address order (file order on a
/// tie), each replacing earlier rules for the same registers.
/// </summary>
internal sealed class BreakpadCfiIndex
{
    private readonly BreakpadCfiInit[] _inits;
    private readonly BreakpadCfiDelta[] _deltas;

    public BreakpadCfiIndex(IEnumerable<BreakpadCfiInit> inits, IEnumerable<BreakpadCfiDelta> deltas)
    {
        _inits = [.. inits.OrderBy(r => r.Address)]; // OrderBy is stable: file order on a tie
        _deltas = [.. deltas.OrderBy(r => r.Address)];
    }

    public IReadOnlyList<BreakpadCfiInit> Inits => _inits;
    public IReadOnlyList<BreakpadCfiDelta> Deltas => _deltas;

    public BreakpadCfiRuleSet? Find(ulong address)
    {
        int i = Floor(_inits.Length, k => _inits[k].Address <= address);
        if (i < 0 || !_inits[i].Contains(address)) return null;
        var init = _inits[i];
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        BreakpadCfiRules.Apply(init.Rules, rules);
        int d = Floor(_deltas.Length, k => _deltas[k].Address < init.Address) + 1;
        for (; d < _deltas.Length && _deltas[d].Address <= address; d++)
            BreakpadCfiRules.Apply(_deltas[d].Rules, rules);
        return new BreakpadCfiRuleSet(init, rules);
    }

    /// <summary>The last index for which <paramref name="atOrBefore"/> holds (it holds for a prefix), or -1.</summary>
    private static int Floor(int count, Func<int, bool> atOrBefore)
    {
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (atOrBefore(mid)) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
