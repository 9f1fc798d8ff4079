namespace Ntdbg.Symbols.Locators;

/// <summary>
/// Settings shared by the symbol servers of a session. Mutable on purpose: `!sym offline`-style
/// switches flip <see cref="Offline"/> for servers already built.
/// </summary>
public sealed class SymbolServerOptions
{
    /// <summary>No network at all: servers answer <see cref="SymbolLookupStatus.Offline"/> without a request.</summary>
    public bool Offline { get; set; }

    /// <summary>
    /// `.reload /o`: caches with a server behind them are not read, remembered 404s are ignored,
    /// and each download replaces the cached copy (atomically). Set around one reload only.
    /// </summary>
    public bool RefreshCache { get; set; }
    public int MaxRedirects { get; set; } = 10;
    /// <summary>Retries after the first attempt, on 5xx, timeouts and connection failures.</summary>
    public int MaxRetries { get; set; } = 3;
    /// <summary>First retry delay; doubles each retry (tests make it tiny).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(8);
    /// <summary>Limit for one request including its body.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How long a 404 is remembered on disk (for the session it is remembered regardless).</summary>
    public TimeSpan NegativeCacheLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Largest body accepted (the biggest real PDBs are a few GiB).</summary>
    public long MaxDownloadBytes { get; set; } = 8L * 1024 * 1024 * 1024;
    public bool TryCompressed { get; set; } = true;
    public bool TryFilePointer { get; set; } = true;
    public string UserAgent { get; set; } = "Microsoft-Symbol-Server/10.0.0.0 (ntdbg)";
}
