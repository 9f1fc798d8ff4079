namespace Ntdbg.Symbols.Locators;

/// <summary>
/// The session's symbol lookup, for the commands to drive: `.sympath [+]`, `.symfix [+] [cache]`,
/// `!sym noisy|quiet`, the offline switch, and lookups by key (one or many, as `.reload /f` does).
/// Rebuilds the locator chain when the path changes; 404 memories are kept per cache.
/// </summary>
public sealed class SymbolLocatorService
{
    private readonly SymbolLocatorFactory _factory;

    public SymbolServerOptions Options { get; }
    public SymbolPath Path { get; private set; }
    public SymbolLocatorChain Chain { get; private set; }
    /// <summary>What building the chain for <see cref="Path"/> had to change (shown by `.sympath`).</summary>
    public IReadOnlyList<string> Warnings => _factory.Warnings;

    /// <summary>`!sym noisy`: every attempt goes to the noisy output as it happens.</summary>
    public bool Noisy { get; set; }

    public SymbolLocatorService(SymbolPath? path = null, SymbolServerOptions? options = null, HttpClient? http = null)
    {
        Options = options ?? new SymbolServerOptions();
        _factory = new SymbolLocatorFactory(Options, http);
        Path = path ?? SymbolPath.Empty;
        Chain = _factory.Create(Path);
    }

    /// <summary>The path from `_NT_ALT_SYMBOL_PATH` and `_NT_SYMBOL_PATH`, then `-y` if given.</summary>
    public static SymbolLocatorService FromEnvironment(string? commandLinePath = null, SymbolServerOptions? options = null) =>
        new(SymbolPath.FromEnvironment().Append(SymbolPath.Parse(commandLinePath)), options);

    /// <summary>`.sympath text`.</summary>
    public void SetPath(string text) => Use(SymbolPath.Parse(text));

    /// <summary>`.sympath+ text`.</summary>
    public void AppendPath(string text) => Use(Path.Append(text));

    /// <summary>`.symfix [cache]` / `.symfix+ [cache]`.</summary>
    public void Symfix(string? cache = null, bool append = false) =>
        Use(append ? Path.Append(SymbolPath.Symfix(cache)) : SymbolPath.Symfix(cache));

    public void Use(SymbolPath path)
    {
        Path = path;
        Chain = _factory.Create(path);
    }

    public Task<SymbolLookupResult> FindAsync(SymbolKey key, Action<string>? noisyOutput = null, CancellationToken cancel = default) =>
        Chain.FindAsync(key, new SymbolLog(Noisy ? noisyOutput : null), cancel);

    public SymbolLookupResult Find(SymbolKey key, Action<string>? noisyOutput = null) =>
        FindAsync(key, noisyOutput).GetAwaiter().GetResult();

    /// <summary>Looks several keys up at once (bounded parallelism); results in the order of <paramref name="keys"/>.</summary>
    public async Task<IReadOnlyList<SymbolLookupResult>> FindManyAsync(IReadOnlyList<SymbolKey> keys, int parallelism = 4, Action<string>? noisyOutput = null, CancellationToken cancel = default)
    {
        var results = new SymbolLookupResult[keys.Count];
        var echo = noisyOutput == null ? null : new Action<string>(line => { lock (results) noisyOutput(line); });
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancel },
            async (i, token) => results[i] = await FindAsync(keys[i], echo, token).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }
}
