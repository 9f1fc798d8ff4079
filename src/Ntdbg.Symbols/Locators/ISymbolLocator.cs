namespace Ntdbg.Symbols.Locators;

/// <summary>One place symbols may come from (a folder, a cache, a server).</summary>
public interface ISymbolLocator
{
    /// <summary>How `.sympath` / `!sym noisy` names this place.</summary>
    string Description { get; }

    /// <summary>Finds <paramref name="key"/>; never throws for a missing or bad file (the result says why).</summary>
    Task<SymbolLookupResult> FindAsync(SymbolKey key, SymbolLog log, CancellationToken cancel = default);
}
