namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Selects counters with logman-style wildcard paths, case-insensitively: <c>\Memory\*</c>,
/// <c>\Process(*)\Private Bytes</c>, <c>\\*\Memory\Pool Paged Bytes</c>, <c>\Process(svc*)\*</c>.
/// '*' matches any run of characters within one part (machine, object, instance, counter); there
/// is no '?' wildcard, since '?' occurs in real instance names (<c>\??\C:\pagefile.sys</c>).
/// A pattern without a machine matches every machine (a log's paths name the machine that
/// collected them; the user asks about the counter). A pattern without an instance matches only
/// counters without one; <c>(*)</c> matches every instance, and counters without one too, so
/// <c>\*(*)\*</c> selects everything.
/// </summary>
public sealed class CounterSelector
{
    private readonly List<CounterPath> _patterns;

    public CounterSelector(IEnumerable<string> patterns)
    {
        _patterns = [.. patterns.Select(CounterPathParser.Parse)];
        Patterns = [.. _patterns.Select(p => p.ToString())];
    }

    public IReadOnlyList<string> Patterns { get; }

    /// <summary>True when any pattern matches the path.</summary>
    public bool Matches(CounterPath path) => _patterns.Any(p => Matches(p, path));

    /// <summary>The log's series the patterns select, in the log's order.</summary>
    public IEnumerable<CounterSeries> Select(CounterLog log) => log.Series.Where(s => Matches(s.Path));

    public static bool Matches(CounterPath pattern, CounterPath path)
    {
        if (pattern.Machine != null && !Glob(pattern.Machine, path.Machine ?? "")) return false;
        if (!Glob(pattern.Object, path.Object) || !Glob(pattern.Counter, path.Counter)) return false;
        if (pattern.Instance == null) return path.Instance == null;
        if (path.Instance == null) return pattern.Instance == "*";
        return Glob(pattern.Instance, path.Instance);
    }

    /// <summary>Case-insensitive match where '*' stands for any run of characters (greedy with backtracking to the last star).</summary>
    public static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (p < pattern.Length && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])) { p++; t++; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
