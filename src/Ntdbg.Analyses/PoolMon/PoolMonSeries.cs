using System.Globalization;
using Ntdbg.Analyses.Trends;
using Ntdbg.Formats.PoolMon;

namespace Ntdbg.Analyses.PoolMon;

/// <summary>How the snapshots of a series were put in order, which decides whether growth is per hour or per snapshot.</summary>
public enum PoolMonSeriesOrder
{
    /// <summary>Every snapshot carries a timestamp line: ordered by it, growth per hour.</summary>
    Timestamps,

    /// <summary>Files by name, numbers compared as numbers (poolmonlog2 before poolmonlog10), snapshots in file order: growth per snapshot.</summary>
    FileName,

    /// <summary>Files by last-write time; growth per hour when each file holds one snapshot (its time is the file's), else per snapshot.</summary>
    ModificationTime,
}

/// <summary>One poolmon log file as read, with its last-write time (UTC) when known.</summary>
public sealed record PoolMonFile(PoolMonLog Log, DateTime? Modified);

/// <summary>
/// Snapshots in series order; <see cref="Hours"/> since the first when times are known, else null;
/// <see cref="Steps"/> the x of each snapshot when growth is per snapshot (file numbers when every
/// file holds one numbered snapshot, so a missing file leaves its gap); <see cref="Notes"/> what was
/// found about the clock and missing snapshots.
/// </summary>
public sealed record PoolMonSeries(IReadOnlyList<PoolMonSnapshot> Snapshots, IReadOnlyList<double>? Hours, PoolMonSeriesOrder OrderedBy)
{
    public IReadOnlyList<double>? Steps { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>When the stamped series in file order steps back in time this often (share of steps), the files are not in time order: sort by timestamp instead.</summary>
    public const double MaxBackwardShare = 0.1;

    /// <param name="requested">null: timestamps when every snapshot has one, else file names.</param>
    public static PoolMonSeries Build(IReadOnlyList<PoolMonFile> files, PoolMonSeriesOrder? requested = null)
    {
        var all = files.SelectMany(f => f.Log.Snapshots).ToList();
        bool stamped = all.Count > 0 && all.All(s => s.Timestamp != null);
        var order = requested ?? (stamped ? PoolMonSeriesOrder.Timestamps : PoolMonSeriesOrder.FileName);
        if (order == PoolMonSeriesOrder.Timestamps && !stamped)
            throw new ArgumentException("not every snapshot has a timestamp line: order by file name or modification time instead");
        var byName = files.OrderBy(f => Path.GetFileName(f.Log.Source), NaturalComparer.Instance).ToList();
        var notes = new List<string>();
        var missing = MissingNumbers(byName);
        if (missing != null) notes.Add(missing);
        switch (order)
        {
            case PoolMonSeriesOrder.Timestamps:
                {
                    // Files by name and snapshots in file order are the order they were collected in; the
                    // printed clock can step back (DST ends, a clock set by hand), so sorting by it would
                    // shuffle snapshots. Only when the stamps disagree with the names often are the names meaningless.
                    var inOrder = byName.SelectMany(f => f.Log.Snapshots).ToList();
                    int back = 0;
                    for (int i = 1; i < inOrder.Count; i++) if (inOrder[i].Timestamp < inOrder[i - 1].Timestamp) back++;
                    var sorted = back <= Math.Max(1, MaxBackwardShare * (inOrder.Count - 1)) ? inOrder : all.OrderBy(s => s.Timestamp!.Value).ToList();
                    if (!ReferenceEquals(sorted, inOrder)) notes.Add($"the timestamps go back {back} times in file order: the files are not in time order, so snapshots are sorted by timestamp");
                    return Timed(sorted, sorted.Select(s => s.Timestamp!.Value).ToList(), order, notes);
                }
            case PoolMonSeriesOrder.ModificationTime:
                {
                    if (files.Any(f => f.Modified == null)) throw new ArgumentException("a file's modification time is unknown");
                    var byTime = files.OrderBy(f => f.Modified!.Value).ThenBy(f => f.Log.Source, NaturalComparer.Instance).ToList();
                    var snapshots = byTime.SelectMany(f => f.Log.Snapshots).ToList();
                    bool onePerFile = byTime.All(f => f.Log.Snapshots.Count == 1);
                    return onePerFile
                        ? Timed(snapshots, byTime.Select(f => f.Modified!.Value).ToList(), order, notes)
                        : new PoolMonSeries(snapshots, null, order) { Notes = notes };
                }
            default:
                {
                    var snapshots = byName.SelectMany(f => f.Log.Snapshots).ToList();
                    var numbers = byName.Select(f => FileNumber(f.Log.Source)).ToList();
                    bool numbered = byName.All(f => f.Log.Snapshots.Count == 1) && numbers.All(n => n != null) && numbers.Distinct().Count() == numbers.Count;
                    var steps = numbered ? numbers.Select(n => (double)(n!.Value - numbers[0]!.Value)).ToList() : null;
                    return new PoolMonSeries(snapshots, null, order) { Steps = steps, Notes = notes };
                }
        }
    }

    /// <summary>Hours from the shared time axis: a step back counts as one interval; gaps (missing snapshots, a clock set forward) count as elapsed time and are noted.</summary>
    private static PoolMonSeries Timed(List<PoolMonSnapshot> snapshots, List<DateTime> times, PoolMonSeriesOrder order, List<string> notes)
    {
        var axis = TimeAxis.Build(times);
        notes.AddRange(axis.Notes.Select(n => n.Replace("sample ", "before snapshot ", StringComparison.Ordinal)));
        for (int i = 1; i < times.Count; i++)
        {
            double d = (times[i] - times[i - 1]).TotalHours;
            if (axis.IntervalHours > 0 && d > 1.5 * axis.IntervalHours && d <= TimeAxis.JumpIntervals * axis.IntervalHours)
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{d:0.##} h between snapshots {i} and {i + 1} (the interval is {axis.IntervalHours:0.##} h): snapshots missing, collection paused or the clock set forward; counted as elapsed time"));
        }
        return new PoolMonSeries(snapshots, axis.Hours, order) { Notes = notes };
    }

    /// <summary>The number at the end of a file's name (poolmonlog12.txt: 12), if any.</summary>
    public static long? FileNumber(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        int end = name.Length, start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1])) start--;
        return start < end && end - start <= 9 ? long.Parse(name.AsSpan(start, end - start), CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Files numbered under one prefix (poolmonlog1..N) with numbers skipped: those files are missing.</summary>
    private static string? MissingNumbers(IReadOnlyList<PoolMonFile> byName)
    {
        if (byName.Count < 2) return null;
        var names = byName.Select(f => Path.GetFileNameWithoutExtension(f.Log.Source)).ToList();
        var numbers = byName.Select(f => FileNumber(f.Log.Source)).ToList();
        if (numbers.Any(n => n == null)) return null;
        string prefix = names[0][..^numbers[0]!.Value.ToString(CultureInfo.InvariantCulture).Length];
        if (names.Any(n => !n.StartsWith(prefix, StringComparison.Ordinal) || n.Length - prefix.Length > 9)) return null;
        var present = numbers.Select(n => n!.Value).ToHashSet();
        long first = present.Min(), last = present.Max();
        if (last - first > 100_000) return null;
        var gaps = new List<long>();
        for (long n = first; n <= last; n++) if (!present.Contains(n)) gaps.Add(n);
        if (gaps.Count == 0) return null;
        return $"{gaps.Count} file{(gaps.Count == 1 ? "" : "s")} missing from the numbered series {prefix}{first}..{last}: {string.Join(", ", gaps.Take(10).Select(g => prefix + g))}{(gaps.Count > 10 ? ", ..." : "")}; the trend spans the gap";
    }
}

/// <summary>Compares names with digit runs as numbers, so "log2" sorts before "log10".</summary>
public sealed class NaturalComparer : IComparer<string>
{
    public static readonly NaturalComparer Instance = new();

    public int Compare(string? a, string? b)
    {
        if (a == null || b == null) return string.Compare(a, b, StringComparison.Ordinal);
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var da = a.AsSpan(si, i - si).TrimStart('0');
                var db = b.AsSpan(sj, j - sj).TrimStart('0');
                int c = da.Length != db.Length ? da.Length.CompareTo(db.Length) : da.SequenceCompareTo(db);
                if (c != 0) return c;
            }
            else
            {
                int c = char.ToUpperInvariant(a[i]).CompareTo(char.ToUpperInvariant(b[j]));
                if (c != 0) return c;
                i++;
                j++;
            }
        }
        return (a.Length - i).CompareTo(b.Length - j) is var r && r != 0 ? r : string.Compare(a, b, StringComparison.Ordinal);
    }
}
