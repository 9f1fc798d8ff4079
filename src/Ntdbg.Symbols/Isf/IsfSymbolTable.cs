using System.Diagnostics;
using Ntdbg.Core.Errors;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// A Volatility 3 ISF symbol table (<c>.json</c> or <c>.json.xz</c>) loaded for lookups: symbols by
/// name, wildcard and RVA; structs, unions, enums and base types by name; type sizes. Immutable
/// after <see cref="Load"/>, so it can be shared across threads.
/// </summary>
public sealed class IsfSymbolTable
{
    private readonly IsfDocument _doc;
    private readonly Lazy<IsfRvaIndex> _byRva; // sorted on first address lookup, not at load
    private Dictionary<string, IsfSymbol>? _symbolsIgnoringCase;

    private IsfSymbolTable(string path, IsfDocument doc, TimeSpan loadTime)
    {
        Path = path;
        _doc = doc;
        LoadTime = loadTime;
        _byRva = new Lazy<IsfRvaIndex>(() => new IsfRvaIndex(doc.Symbols.Values), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Loads and indexes an ISF file; malformed or hostile input throws <see cref="DumpFormatException"/>.</summary>
    public static IsfSymbolTable Load(string path) => Load(path, IsfLimits.MaxJsonBytes);

    /// <summary>Loads with an explicit cap on the (decompressed) JSON size, in bytes.</summary>
    public static IsfSymbolTable Load(string path, long maxJsonBytes)
    {
        // The default cap goes through the parsed-table cache; an explicit cap always parses, so it is enforced.
        if (maxJsonBytes == IsfLimits.MaxJsonBytes) return LoadCached(path, IsfCache.Folder());
        var clock = Stopwatch.StartNew();
        var json = IsfFileBytes.Read(path, maxJsonBytes);
        var doc = IsfReader.Parse(path, json.Span);
        return new IsfSymbolTable(path, doc, clock.Elapsed);
    }

    /// <summary>
    /// Loads through the parsed-table cache in <paramref name="cacheFolder"/> (null: parse, no
    /// cache): a hit skips decompression and JSON parsing; a miss parses and stores the result.
    /// <see cref="Load(string)"/> uses the default folder (see <see cref="CacheFolder"/>).
    /// </summary>
    public static IsfSymbolTable LoadCached(string path, string? cacheFolder)
    {
        var clock = Stopwatch.StartNew();
        long maxJsonBytes = IsfLimits.MaxJsonBytes;
        if (cacheFolder == null || new FileInfo(path) is not { Exists: true } info || info.Length > maxJsonBytes)
            return new IsfSymbolTable(path, IsfReader.Parse(path, IsfFileBytes.Read(path, maxJsonBytes).Span), clock.Elapsed);
        byte[] raw = File.ReadAllBytes(path);
        if (IsfCache.TryLoad(cacheFolder, raw, out string? entry) is { } cached)
            return new IsfSymbolTable(path, cached, clock.Elapsed) { FromCache = true };
        var parsed = IsfReader.Parse(path, IsfFileBytes.Read(path, raw, maxJsonBytes).Span);
        IsfCache.TryStore(entry, parsed);
        return new IsfSymbolTable(path, parsed, clock.Elapsed);
    }

    /// <summary>Where <see cref="Load(string)"/> caches parsed tables: $NTDBG_ISF_CACHE (off: none), else $XDG_CACHE_HOME/ntdbg/isf, else ~/.cache/ntdbg/isf.</summary>
    public static string? CacheFolder => IsfCache.Folder();

    /// <summary>True when the table came from the parsed-table cache rather than its JSON.</summary>
    public bool FromCache { get; private init; }

    /// <summary>Parses ISF JSON already in memory (<paramref name="name"/> names it in errors).</summary>
    public static IsfSymbolTable Parse(string name, ReadOnlySpan<byte> json)
    {
        var clock = Stopwatch.StartNew();
        var doc = IsfReader.Parse(name, json);
        return new IsfSymbolTable(name, doc, clock.Elapsed);
    }

    public string Path { get; }
    public IsfMetadata Metadata => _doc.Metadata;
    /// <summary>Time spent reading, decompressing, parsing and indexing (reported by benchmarks and noisy loading).</summary>
    public TimeSpan LoadTime { get; }

    public IReadOnlyCollection<IsfSymbol> Symbols => _doc.Symbols.Values;
    public IReadOnlyDictionary<string, IsfUserType> UserTypes => _doc.UserTypes;
    public IReadOnlyDictionary<string, IsfEnum> Enums => _doc.Enums;
    public IReadOnlyDictionary<string, IsfBaseType> BaseTypes => _doc.BaseTypes;

    /// <summary>Pointer size in bytes: the "pointer" base type, else 8 for x64/ARM64 machine types, else 4.</summary>
    public int PointerSize => _doc.BaseTypes.TryGetValue("pointer", out var p) && p.Size > 0 ? p.Size
        : Metadata.MachineType is 0x8664 or 0xAA64 ? 8 : 4;

    /// <summary>A symbol by exact name, falling back to a case-insensitive match (the debugger's default).</summary>
    public IsfSymbol? GetSymbol(string name)
    {
        if (_doc.Symbols.TryGetValue(name, out var s)) return s;
        var folded = _symbolsIgnoringCase ??= BuildCaseInsensitive();
        return folded.GetValueOrDefault(name);
    }

    public bool TryGetSymbolRva(string name, out uint rva)
    {
        var s = GetSymbol(name);
        rva = s?.Rva ?? 0;
        return s != null;
    }

    /// <summary>Symbols whose names match a wildcard (<c>*</c>, <c>?</c>; case-insensitive), sorted by RVA then name.</summary>
    public IReadOnlyList<IsfSymbol> FindSymbols(string pattern)
    {
        var found = new List<IsfSymbol>();
        foreach (var s in _doc.Symbols.Values)
            if (Model.SymbolWildcard.Matches(pattern, s.Name)) found.Add(s);
        found.Sort((a, b) => a.Rva != b.Rva ? a.Rva.CompareTo(b.Rva) : string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    /// <summary>
    /// The nearest symbol at or below an RVA and the distance from it. ISF records no symbol
    /// sizes, so the caller decides how far a displacement may sensibly reach (e.g. the module end).
    /// </summary>
    public bool TryFindByRva(uint rva, out string name, out uint displacement)
    {
        var s = _byRva.Value.Floor(rva);
        name = s?.Name ?? "";
        displacement = s == null ? 0 : rva - s.Rva;
        return s != null;
    }

    /// <summary>The symbol object at or below an RVA (null when none precedes it).</summary>
    public IsfSymbol? FindByRva(uint rva) => _byRva.Value.Floor(rva);

    /// <summary>A struct, union or class by name (fields sorted by offset), or null.</summary>
    public IsfUserType? TryGetUserType(string name) => _doc.UserTypes.GetValueOrDefault(name);

    public IsfEnum? TryGetEnum(string name) => _doc.Enums.GetValueOrDefault(name);

    public IsfBaseType? TryGetBaseType(string name) => _doc.BaseTypes.GetValueOrDefault(name);

    /// <summary>
    /// Size in bytes of a type descriptor, or null when it names a type the table lacks (ISF keeps
    /// pointers to opaque types) or has no size (functions). Arrays multiply with overflow checks;
    /// the recursion is bounded by the descriptor depth capped on load.
    /// </summary>
    public long? SizeOf(IsfTypeRef type)
    {
        switch (type.Kind)
        {
            case IsfTypeKind.Base:
                return _doc.BaseTypes.TryGetValue(type.Name!, out var b) ? b.Size : null;
            case IsfTypeKind.Pointer:
                return PointerSize;
            case IsfTypeKind.Struct or IsfTypeKind.Union or IsfTypeKind.Class:
                return _doc.UserTypes.TryGetValue(type.Name!, out var u) ? u.Size : null;
            case IsfTypeKind.Enum:
                return _doc.Enums.TryGetValue(type.Name!, out var e) ? e.Size : null;
            case IsfTypeKind.Bitfield:
                return SizeOf(type.Type!);
            case IsfTypeKind.Array:
                var element = SizeOf(type.Subtype!);
                if (element == null) return null;
                // Both factors are capped at 2^40 on load; the product fits in 128 bits, so check it.
                var total = (Int128)element.Value * type.Count;
                return total > IsfLimits.MaxTypeSize ? null : (long)total;
            default:
                return null;
        }
    }

    private Dictionary<string, IsfSymbol> BuildCaseInsensitive()
    {
        var d = new Dictionary<string, IsfSymbol>(_doc.Symbols.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var s in _doc.Symbols.Values) d.TryAdd(s.Name, s);
        return d;
    }
}
