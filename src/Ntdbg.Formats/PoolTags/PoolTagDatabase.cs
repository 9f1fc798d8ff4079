using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PoolTags;

/// <summary>
/// The debugger's pool tag database (pooltag.txt): which binary owns a tag and what it is for.
/// Odd lines are skipped and counted, never fatal, because copies of the file from different
/// years differ in layout; only an oversized file is refused.
/// </summary>
public sealed class PoolTagDatabase
{
    public const int TagLength = 4;

    /// <summary>The real file is ~400 KB; anything this large is not a tag list.</summary>
    public const long MaxFileBytes = 16L * 1024 * 1024;

    private readonly Dictionary<string, List<PoolTagEntry>> _exact = new(StringComparer.Ordinal);
    private readonly List<PoolTagEntry> _wildcards = [];

    private PoolTagDatabase(string name, IReadOnlyList<PoolTagEntry> entries, int skipped)
    {
        Name = name;
        Entries = entries;
        SkippedLines = skipped;
        foreach (var e in entries)
        {
            if (e.IsWildcard) _wildcards.Add(e);
            else if (_exact.TryGetValue(e.Tag, out var list)) list.Add(e);
            else _exact[e.Tag] = [e];
        }
    }

    public string Name { get; }

    /// <summary>Every entry in file order, including several lines for one tag.</summary>
    public IReadOnlyList<PoolTagEntry> Entries { get; }

    /// <summary>Lines that were neither blank, comment nor entry (e.g. a stray "       &lt;unknown&gt;").</summary>
    public int SkippedLines { get; }

    public static PoolTagDatabase Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"pool tag file not found: {path}", path);
        if (info.Length > MaxFileBytes)
            throw new DumpFormatException(path, 0, $"pool tag file is {info.Length} bytes, more than the limit of {MaxFileBytes}");
        return Parse(File.ReadAllText(path), path);
    }

    public static PoolTagDatabase Parse(string text, string name)
    {
        if (text.Length > MaxFileBytes)
            throw new DumpFormatException(name, 0, $"pool tag text is {text.Length} characters, more than the limit of {MaxFileBytes}");
        var entries = new List<PoolTagEntry>();
        int skipped = 0, number = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            number++;
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.IsEmpty || PoolTagLineParser.IsComment(trimmed) || PoolTagLineParser.IsEndOfFileMark(trimmed)) continue;
            if (PoolTagLineParser.Parse(line, number) is { } entry) entries.Add(entry);
            else skipped++;
        }
        return new PoolTagDatabase(name, entries, skipped);
    }

    /// <summary>
    /// Entries for a 4-character tag (shorter tags are space-padded, case matters): every exact line
    /// if any, otherwise the wildcard entries with the most literal characters. Empty when unknown.
    /// </summary>
    public IReadOnlyList<PoolTagEntry> Lookup(string tag)
    {
        if (tag.Length > TagLength) return [];
        tag = tag.PadRight(TagLength);
        if (_exact.TryGetValue(tag, out var exact)) return exact;
        var matches = _wildcards.Where(w => w.Matches(tag)).ToList();
        if (matches.Count == 0) return [];
        int best = matches.Max(m => m.Specificity);
        return matches.Where(m => m.Specificity == best).ToList();
    }

    /// <summary>
    /// The text !poolused prints after a tag's counts: "Thread objects , Binary: nt!ps", the bare
    /// description when the binary is unknown, or the request to update pooltag.txt.
    /// </summary>
    public string Describe(string tag)
    {
        var entries = Lookup(tag);
        if (entries.Count == 0) return UnknownText(tag);
        var first = entries[0];
        return first.Binary == null ? first.Description : $"{first.Description} , Binary: {first.Binary}";
    }

    public static string UnknownText(string tag) => $"UNKNOWN pooltag '{tag}', please update pooltag.txt";
}
