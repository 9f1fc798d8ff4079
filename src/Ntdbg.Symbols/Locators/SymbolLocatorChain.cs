namespace Ntdbg.Symbols.Locators;

/// <summary>
/// The locators of a symbol path in order (caches before their servers); the first hit wins.
/// A miss reports the most telling failure as one line and keeps every attempt in the log.
/// </summary>
public sealed class SymbolLocatorChain(IReadOnlyList<ISymbolLocator> locators) : ISymbolLocator
{
    public IReadOnlyList<ISymbolLocator> Locators { get; } = locators;

    public string Description => string.Join(";", Locators.Select(l => l.Description));

    public async Task<SymbolLookupResult> FindAsync(SymbolKey key, SymbolLog log, CancellationToken cancel = default)
    {
        var misses = new List<SymbolLookupResult>();
        foreach (var locator in Locators)
        {
            var result = await locator.FindAsync(key, log, cancel).ConfigureAwait(false);
            if (result.Found) return result with { Attempts = log.Lines };
            misses.Add(result);
        }
        if (misses.Count == 0)
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, "the symbol path is empty", log);
        var worst = misses.MaxBy(m => Severity(m.Status))!;
        if (worst.Status == SymbolLookupStatus.NotFound)
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"{key.Index} not found in {string.Join(", ", Locators.Select(l => l.Description))}", log);
        return worst with { Attempts = log.Lines };
    }

    /// <summary>Synchronous convenience for commands (`.reload`).</summary>
    public SymbolLookupResult Find(SymbolKey key, SymbolLog log) => FindAsync(key, log).GetAwaiter().GetResult();

    private static int Severity(SymbolLookupStatus status) => status switch
    {
        SymbolLookupStatus.Message => 5,
        SymbolLookupStatus.Corrupt => 4,
        SymbolLookupStatus.ServerError => 3,
        SymbolLookupStatus.Offline => 2,
        _ => 1,
    };
}
