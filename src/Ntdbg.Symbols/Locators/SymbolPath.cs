namespace Ntdbg.Symbols.Locators;

/// <summary>
/// The debugger's symbol path: ';'-separated elements (plain folders, `srv*...`, `symsrv*...`,
/// `cache*...`). Parsing keeps each element's text, so <see cref="ToString"/> prints the path the
/// way `.sympath` shows it; <see cref="Expanded"/> spells out the implicit defaults.
/// </summary>
public sealed class SymbolPath
{
    public const string MicrosoftSymbolServer = "https://msdl.microsoft.com/download/symbols";
    public const string EnvironmentVariable = "_NT_SYMBOL_PATH";
    public const string AltEnvironmentVariable = "_NT_ALT_SYMBOL_PATH";

    public IReadOnlyList<SymbolPathElement> Elements { get; }

    public SymbolPath(IEnumerable<SymbolPathElement> elements) => Elements = elements.ToArray();

    public static SymbolPath Empty { get; } = new([]);

    /// <summary>`~/.ntdbg/sym`: the cache used when a server element names none.</summary>
    public static string DefaultCache
    {
        get
        {
            var home = Environment.GetEnvironmentVariable("HOME");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".ntdbg", "sym");
        }
    }

    public bool IsEmpty => Elements.Count == 0;

    /// <summary>Local folders of the path where ISF tables and breakpad files may sit (plain folders, caches, downstream stores).</summary>
    public IEnumerable<string> LocalFolders()
    {
        foreach (var e in Elements)
        {
            if (e.Kind is SymbolPathElementKind.Folder or SymbolPathElementKind.Cache && e.Folder is { Length: > 0 } f) yield return f;
            else if (e.Kind == SymbolPathElementKind.Server)
                foreach (var d in e.Downstream)
                    if (d.Length > 0 && !SymbolPathElement.IsUrl(d)) yield return d;
        }
    }

    public static SymbolPath Parse(string? text) =>
        new((text ?? "").Split(';').Select(e => e.Trim()).Where(e => e.Length > 0).Select(SymbolPathElement.Parse));

    /// <summary>`_NT_ALT_SYMBOL_PATH` then `_NT_SYMBOL_PATH`, as the debugger combines them.</summary>
    public static SymbolPath FromEnvironment(Func<string, string?>? getenv = null)
    {
        getenv ??= Environment.GetEnvironmentVariable;
        return Parse(getenv(AltEnvironmentVariable)).Append(Parse(getenv(EnvironmentVariable)));
    }

    /// <summary>What `.symfix [cache]` sets: the Microsoft public server behind the given (or default) cache.</summary>
    public static SymbolPath Symfix(string? cache = null) =>
        Parse($"srv*{(string.IsNullOrWhiteSpace(cache) ? DefaultCache : cache.Trim())}*{MicrosoftSymbolServer}");

    /// <summary>`.sympath+ text` / `.symfix+`: this path followed by <paramref name="more"/>.</summary>
    public SymbolPath Append(SymbolPath more) => new(Elements.Concat(more.Elements));

    public SymbolPath Append(string text) => Append(Parse(text));

    /// <summary>The path as `.sympath` prints it ("Symbol search path is: ...").</summary>
    public override string ToString() => string.Join(';', Elements.Select(e => e.Text));

    /// <summary>
    /// The path with defaults filled in (`Expanded Symbol search path is: ...`): server elements
    /// name their cache (the preceding `cache*` one, else the default) and their upstream.
    /// </summary>
    public string Expanded
    {
        get
        {
            var parts = new List<string>();
            string? cache = null;
            foreach (var e in Elements)
            {
                switch (e.Kind)
                {
                    case SymbolPathElementKind.Cache:
                        cache = e.Folder ?? DefaultCache;
                        parts.Add("cache*" + cache);
                        break;
                    case SymbolPathElementKind.Server:
                        var tiers = e.Downstream.Select(t => t.Length == 0 ? cache ?? DefaultCache : t).ToList();
                        if (tiers.Count == 0) tiers.Add(cache ?? DefaultCache);
                        tiers.Add(e.Upstream.Length == 0 ? MicrosoftSymbolServer : e.Upstream);
                        parts.Add("srv*" + string.Join('*', tiers));
                        break;
                    default:
                        parts.Add(e.Text);
                        break;
                }
            }
            return string.Join(';', parts);
        }
    }
}
