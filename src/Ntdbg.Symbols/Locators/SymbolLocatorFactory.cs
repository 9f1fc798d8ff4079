namespace Ntdbg.Symbols.Locators;

/// <summary>
/// Turns a <see cref="SymbolPath"/> into a <see cref="SymbolLocatorChain"/>. A server element
/// `srv*store1*store2*upstream` becomes store1 (its cache), store2, then upstream, each writing
/// what it finds into store1; a missing store means the preceding `cache*` one, else the default
/// cache. `cache*dir` is consulted where it appears. Plain folders are searched as they are.
/// </summary>
public sealed class SymbolLocatorFactory(SymbolServerOptions options, HttpClient? http = null)
{
    /// <summary>A partial download older than this belongs to a run that died (a live one touches it constantly).</summary>
    public static readonly TimeSpan StalePartialAge = TimeSpan.FromHours(1);

    private readonly Dictionary<string, NegativeCache> _negativeCaches = new(StringComparer.Ordinal);

    public SymbolServerOptions Options { get; } = options;

    /// <summary>What the last <see cref="Create"/> had to change (e.g. a Windows drive path as a cache on Linux).</summary>
    public IReadOnlyList<string> Warnings => _warnings;
    private readonly List<string> _warnings = [];

    public SymbolLocatorChain Create(SymbolPath path)
    {
        var locators = new List<ISymbolLocator>();
        _warnings.Clear();
        string? cache = null;
        foreach (var element in path.Elements)
        {
            switch (element.Kind)
            {
                case SymbolPathElementKind.Cache:
                    cache = LocalCache(element.Folder ?? SymbolPath.DefaultCache);
                    locators.Add(new FileCacheLocator(cache, refreshedBy: Options));
                    break;
                case SymbolPathElementKind.Folder:
                    locators.Add(new DirectoryLocator(ExpandHome(element.Folder!)));
                    break;
                case SymbolPathElementKind.Server:
                    AddServer(element, cache, locators);
                    break;
            }
        }
        return new SymbolLocatorChain(locators);
    }

    private void AddServer(SymbolPathElement element, string? cache, List<ISymbolLocator> locators)
    {
        var stores = element.Downstream.Select(t => t.Length == 0 ? cache ?? SymbolPath.DefaultCache : t).ToList();
        if (stores.Count == 0) stores.Add(cache ?? SymbolPath.DefaultCache);
        stores.Add(element.Upstream.Length == 0 ? SymbolPath.MicrosoftSymbolServer : element.Upstream);

        var first = SymbolPathElement.IsUrl(stores[0]) ? LocalCache(cache ?? SymbolPath.DefaultCache) : LocalCache(stores[0]);
        var firstCache = new FileCacheLocator(first, refreshedBy: Options);
        if (!SymbolPathElement.IsUrl(stores[0])) stores.RemoveAt(0);
        locators.Add(firstCache);
        foreach (var store in stores)
        {
            if (SymbolPathElement.IsUrl(store))
                locators.Add(new HttpSymbolServer(store, firstCache.Writer, Options, NegativeFor(first), http));
            else
                locators.Add(new FileCacheLocator(ExpandHome(store), copyTo: firstCache.Writer));
        }
    }

    private NegativeCache NegativeFor(string cacheRoot)
    {
        if (!_negativeCaches.TryGetValue(cacheRoot, out var negative))
        {
            _negativeCaches[cacheRoot] = negative = new NegativeCache(Path.Combine(cacheRoot, NegativeCache.FileName));
            new CacheWriter(cacheRoot).RemoveStalePartials(StalePartialAge); // once per cache and session
        }
        return negative;
    }

    /// <summary>
    /// A cache folder usable here. A path written for Windows (`c:\symbols`, `\\server\share`) in an
    /// inherited `_NT_SYMBOL_PATH` would otherwise become a folder literally named `c:\symbols` in
    /// the current directory; on other systems the default cache stands in, with a warning.
    /// </summary>
    private string LocalCache(string path)
    {
        if (!OperatingSystem.IsWindows() && IsWindowsOnlyPath(path))
        {
            _warnings.Add($"cache {path} is a Windows path; using {SymbolPath.DefaultCache} instead");
            return SymbolPath.DefaultCache;
        }
        return ExpandHome(path);
    }

    /// <summary>A drive-letter or UNC path.</summary>
    public static bool IsWindowsOnlyPath(string path) =>
        (path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/') || path.StartsWith(@"\\", StringComparison.Ordinal);

    /// <summary>`~/x` is the home folder's x (the shell does not expand it inside a symbol path).</summary>
    public static string ExpandHome(string path)
    {
        if (path != "~" && !path.StartsWith("~/", StringComparison.Ordinal)) return path;
        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return path == "~" ? home : Path.Combine(home, path[2..]);
    }
}
