using Ntdbg.Analyses.Trends;
using Ntdbg.Formats.PoolMon;
using Ntdbg.Formats.PoolTags;

namespace Ntdbg.Analyses.PoolMon;

/// <summary>Settings of a trend run: how many tags to list and the growth below which nothing is a leak.</summary>
public sealed record PoolMonTrendOptions(int Top = 20, double MinGrowthBytes = 1024 * 1024)
{
    public const int MaxTop = 100_000;
}

/// <summary>
/// Ranks poolmon tags by growth across a series, the way "Troubleshooting Pool Leaks Part 2" reads
/// a folder of poolmon logs: the tag whose bytes rise and never fall is the leak. Each tag (with
/// its pool type, since a tag can be in both pools) is judged by <see cref="IPoolTrendTest"/>;
/// leaks rank first, then by bytes growth. With one snapshot nothing can be said about growth, so
/// tags are ranked by bytes (poolmon -b's order) and the result says so.
/// </summary>
public static class PoolMonTrend
{
    public static PoolMonTrendResult Analyze(PoolMonSeries series, PoolMonTrendOptions options, IPoolTrendTest test, PoolTagDatabase? tags, string? poolTagFile)
    {
        var snaps = series.Snapshots;
        if (snaps.Count == 0) throw new ArgumentException("no poolmon snapshot in the input");
        var notes = new List<string> { OrderNote(series) };
        notes.AddRange(series.Notes);
        var resets = FindResets(snaps);
        if (resets.Count > 0)
            notes.Add($"counters reset (most tags' Allocs fell) before snapshot(s) {string.Join(", ", resets.Select(r => r + 1))}: the machine restarted; each boot's snapshots are tested separately");
        int count = snaps.Count;
        bool growth = count >= 2;
        string unit = series.Hours != null ? "hour" : "snapshot";
        if (!growth)
            notes.Add("one snapshot cannot show growth: tags are ranked by Bytes as poolmon -b sorts them (the largest user is only the usual suspect); collect a series, e.g. poolmon -b -n poolmonlogN.txt every 30 minutes");
        if (tags == null) notes.Add("no pooltag.txt (give --pooltag or set NTDBG_POOLTAG): tags are not described");

        var x = Enumerable.Range(0, count).Select(i => series.Hours?[i] ?? series.Steps?[i] ?? i).ToList();
        var boots = new List<int> { 0 };
        boots.AddRange(resets);
        var trends = new List<PoolMonTagTrend>();
        foreach (var (key, points) in Collect(snaps))
        {
            var xs = points.Select(p => x[p.Index]).ToList();
            var bytes = points.Select(p => (double)p.Row.Bytes).ToList();
            // The tag's first point in each boot after the first starts a segment.
            var tagResets = Enumerable.Range(1, points.Count - 1).Where(k => Boot(boots, points[k].Index) != Boot(boots, points[k - 1].Index)).ToList();
            var fit = growth ? test.Test(xs, bytes, options.MinGrowthBytes, tagResets) : new PoolTrendFit(0, PoolLeakVerdict.NotApplicable, "one snapshot");
            int lastBoot = tagResets.Count > 0 ? tagResets[^1] : 0;
            var inLastBoot = points.Skip(lastBoot).ToList();
            double diffSlope = growth && inLastBoot.Count >= 2 ? TheilSen.Fit(inLastBoot.Select(p => x[p.Index]).ToList(), inLastBoot.Select(p => (double)p.Row.Diff).ToList()).Slope : 0;
            var first = points[0].Row;
            var last = points[^1].Row;
            trends.Add(new PoolMonTagTrend(0, key.Tag, key.Type, last.TypeText, points.Count, first.Bytes, last.Bytes, points.Max(p => p.Row.Bytes),
                first.Diff, last.Diff, Finite(fit.Slope), Finite(diffSlope), last.PerAlloc, fit.Verdict, fit.Reason, tags?.Describe(key.Tag)));
        }
        var ranked = (growth
                ? trends.OrderBy(t => t.Verdict == PoolLeakVerdict.Leak ? 0 : 1).ThenByDescending(t => t.BytesPerUnit).ThenByDescending(t => t.LastBytes)
                : trends.OrderByDescending(t => t.LastBytes).ThenByDescending(t => t.LastDiff))
            .ThenBy(t => t.Tag, StringComparer.Ordinal)
            .Take(Math.Clamp(options.Top, 1, PoolMonTrendOptions.MaxTop))
            .Select((t, i) => t with { Rank = i + 1 })
            .ToList();

        var suspect = ranked.FirstOrDefault(t => t.Verdict == PoolLeakVerdict.Leak) ?? (growth ? null : ranked.FirstOrDefault());
        var next = suspect == null ? [] : new List<string> { $"ntdbg pool findtag {Quote(suspect.Tag)} --dir <folder with the machine's drivers, e.g. a copy of C:\\Windows\\System32\\drivers>" };
        if (growth && suspect == null) notes.Add("no tag passes the leak test");
        var infos = snaps.Select(s => new PoolMonSnapshotInfo(s.Source, s.Line, s.Timestamp, s.Rows.Count, s.Header?.PoolNonPagedKb, s.Header?.PoolPagedKb)).ToList();
        return new PoolMonTrendResult(infos, series.OrderedBy, unit, growth, resets, trends.Count, ranked, poolTagFile, notes, next);
    }

    /// <summary>The boot (0-based) snapshot <paramref name="index"/> belongs to, given each boot's first snapshot.</summary>
    private static int Boot(List<int> boots, int index)
    {
        int b = 0;
        while (b + 1 < boots.Count && boots[b + 1] <= index) b++;
        return b;
    }

    /// <summary>JSON has no NaN, and a slope over identical times is no growth.</summary>
    private static double Finite(double v) => double.IsFinite(v) ? v : 0;

    private static string Quote(string tag) => tag.Contains(' ') ? $"\"{tag}\"" : tag;

    private static string OrderNote(PoolMonSeries s) => s.OrderedBy switch
    {
        PoolMonSeriesOrder.Timestamps => "ordered by the timestamp line before each snapshot; growth per hour",
        PoolMonSeriesOrder.ModificationTime when s.Hours != null => "ordered by file modification time (one snapshot per file, timed by its file); growth per hour",
        PoolMonSeriesOrder.ModificationTime => "ordered by file modification time, snapshots in file order; growth per snapshot (files hold several snapshots, so their times are unknown)",
        _ => "ordered by file name (numbers as numbers), snapshots in file order; growth per snapshot (poolmon writes no time: put a timestamp line before each snapshot or use --order mtime for per-hour rates)",
    };

    private readonly record struct Key(string Tag, PoolMonPoolType Type, string TypeText);

    private readonly record struct Point(int Index, PoolMonRow Row);

    /// <summary>Each tag's rows in series order; a tag missing from a snapshot has no point there (not zero).</summary>
    private static Dictionary<Key, List<Point>> Collect(IReadOnlyList<PoolMonSnapshot> snaps)
    {
        var byTag = new Dictionary<Key, List<Point>>();
        for (int i = 0; i < snaps.Count; i++)
        {
            var seen = new HashSet<Key>();
            foreach (var row in snaps[i].Rows)
            {
                var key = new Key(row.Tag, row.Type, row.Type == PoolMonPoolType.Other ? row.TypeText : "");
                if (!seen.Add(key)) continue; // poolmon lists a tag once per pool; a repeat is a paste error
                if (!byTag.TryGetValue(key, out var list)) byTag[key] = list = [];
                list.Add(new Point(i, row));
            }
        }
        return byTag;
    }

    /// <summary>Allocs and Frees only grow while the machine runs; when most tags' Allocs fall, it restarted.</summary>
    private static List<int> FindResets(IReadOnlyList<PoolMonSnapshot> snaps)
    {
        var resets = new List<int>();
        for (int i = 1; i < snaps.Count; i++)
        {
            var before = new Dictionary<(string, PoolMonPoolType, string), long>();
            foreach (var r in snaps[i - 1].Rows) before.TryAdd((r.Tag, r.Type, r.TypeText), r.Allocs);
            int both = 0, fell = 0;
            foreach (var r in snaps[i].Rows)
                if (before.TryGetValue((r.Tag, r.Type, r.TypeText), out long a))
                {
                    both++;
                    if (r.Allocs < a) fell++;
                }
            if (both > 0 && fell * 2 > both) resets.Add(i);
        }
        return resets;
    }
}
