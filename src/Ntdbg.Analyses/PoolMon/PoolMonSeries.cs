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

/// <summary>Snapshots in time order; <see cref="Hours"/> since the first when times are known, else null.</summary>
public sealed record PoolMonSeries(IReadOnlyList<PoolMonSnapshot> Snapshots, IReadOnlyList<double>? Hours, PoolMonSeriesOrder OrderedBy)
{
    /// <param name="requested">null: timestamps when every snapshot has one, else file names.</param>
    public static PoolMonSeries Build(IReadOnlyList<PoolMonFile> files, PoolMonSeriesOrder? requested = null)
    {
        var all = files.SelectMany(f => f.Log.Snapshots).ToList();
        bool stamped = all.Count > 0 && all.All(s => s.Timestamp != null);
        var order = requested ?? (stamped ? PoolMonSeriesOrder.Timestamps : PoolMonSeriesOrder.FileName);
        if (order == PoolMonSeriesOrder.Timestamps && !stamped)
            throw new ArgumentException("not every snapshot has a timestamp line: order by file name or modification time instead");
        switch (order)
        {
            case PoolMonSeriesOrder.Timestamps:
                {
                    var sorted = all.OrderBy(s => s.Timestamp!.Value).ToList();
                    var t0 = sorted[0].Timestamp!.Value;
                    return new PoolMonSeries(sorted, sorted.Select(s => (s.Timestamp!.Value - t0).TotalHours).ToList(), order);
                }
            case PoolMonSeriesOrder.ModificationTime:
                {
                    if (files.Any(f => f.Modified == null)) throw new ArgumentException("a file's modification time is unknown");
                    var byTime = files.OrderBy(f => f.Modified!.Value).ThenBy(f => f.Log.Source, NaturalComparer.Instance).ToList();
                    var snapshots = byTime.SelectMany(f => f.Log.Snapshots).ToList();
                    bool onePerFile = byTime.All(f => f.Log.Snapshots.Count == 1);
                    var t0 = byTime[0].Modified!.Value;
                    return new PoolMonSeries(snapshots, onePerFile ? byTime.Select(f => (f.Modified!.Value - t0).TotalHours).ToList() : null, order);
                }
            default:
                return new PoolMonSeries(files.OrderBy(f => Path.GetFileName(f.Log.Source), NaturalComparer.Instance).SelectMany(f => f.Log.Snapshots).ToList(), null, order);
        }
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
