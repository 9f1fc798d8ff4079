using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Commands.Commands.PerfLog;

/// <summary>
/// Picks a log's series by the paths a user types (<c>--counter</c>): the full PDH path, or the path
/// without its <c>\\MACHINE</c> prefix, case-insensitively, with <c>*</c> matching any run of
/// characters (<c>\Process(*)\Private Bytes</c>), as perfmon's "Add counters" accepts them.
/// </summary>
public static class CounterSelection
{
    /// <summary>The series the patterns name, in the log's order, each once. Throws
    /// <see cref="ArgumentException"/> naming the first pattern that matches nothing.</summary>
    public static IReadOnlyList<CounterSeries> Select(CounterLog log, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0) return log.Series;
        var chosen = new HashSet<CounterSeries>(ReferenceEqualityComparer.Instance);
        foreach (var pattern in patterns)
        {
            var hits = log.Series.Where(s => Matches(s.Path, pattern)).ToList();
            if (hits.Count == 0) throw new ArgumentException($"no counter in {log.Source} matches '{pattern}'");
            chosen.UnionWith(hits);
        }
        return log.Series.Where(chosen.Contains).ToList();
    }

    public static bool Matches(CounterPath path, string pattern)
    {
        string full = path.ToString();
        string local = (path with { Machine = null }).ToString();
        return Glob(full, pattern) || Glob(local, pattern);
    }

    // Iterative '*' glob (no backtracking blow-up on long paths): the last star absorbs mismatches.
    private static bool Glob(string text, string pattern)
    {
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])) { t++; p++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
