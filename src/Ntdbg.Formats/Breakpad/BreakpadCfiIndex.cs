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
        int i = BreakpadSymbolFile.Floor(_inits, static r => r.Address, address);
        if (i < 0 || !_inits[i].Contains(address)) return null;
        var init = _inits[i];
        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        BreakpadCfiRules.Apply(init.Rules, rules);
        // The first delta at or after the INIT's address.
        int d = init.Address == 0 ? 0 : BreakpadSymbolFile.Floor(_deltas, static r => r.Address, init.Address - 1) + 1;
        for (; d < _deltas.Length && _deltas[d].Address <= address; d++)
            BreakpadCfiRules.Apply(_deltas[d].Rules, rules);
        return new BreakpadCfiRuleSet(init, rules);
    }
}
