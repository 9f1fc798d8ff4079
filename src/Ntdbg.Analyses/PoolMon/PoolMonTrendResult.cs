using Ntdbg.Formats.PoolMon;

namespace Ntdbg.Analyses.PoolMon;

/// <summary>
/// `ntdbg poolmon trend`: tags ranked by growth across a series of poolmon snapshots (leaks
/// first), or by bytes when there is one snapshot and growth cannot be measured.
/// </summary>
/// <param name="RateUnit">"hour" when the snapshots' times are known, else "snapshot".</param>
/// <param name="Resets">Snapshot indices where most tags' Allocs fell: the machine restarted before that snapshot; each boot is tested on its own (leak in one boot, stable in another: leak).</param>
/// <param name="Notes">Sentences the reader needs: ordering used, one-snapshot limits, resets, pooltag.txt missing.</param>
/// <param name="NextSteps">Commands to run next (the driver behind the top tag: `ntdbg pool findtag`).</param>
public sealed record PoolMonTrendResult(
    IReadOnlyList<PoolMonSnapshotInfo> Snapshots,
    PoolMonSeriesOrder OrderedBy,
    string RateUnit,
    bool CanShowGrowth,
    IReadOnlyList<int> Resets,
    int TagCount,
    IReadOnlyList<PoolMonTagTrend> Tags,
    string? PoolTagFile,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> NextSteps)
{
    /// <summary>Tags the leak test calls leaks, in rank order.</summary>
    public IEnumerable<PoolMonTagTrend> Leaks => Tags.Where(t => t.Verdict == PoolLeakVerdict.Leak);
}

/// <summary>Where one snapshot came from and its time when known.</summary>
public sealed record PoolMonSnapshotInfo(string Source, int Line, DateTime? Time, int Rows, long? PoolNonPagedKb, long? PoolPagedKb);

/// <summary>
/// One tag (and pool type) over the analyzed snapshots. <see cref="BytesPerUnit"/> and
/// <see cref="DiffPerUnit"/> are slopes per <see cref="PoolMonTrendResult.RateUnit"/> (0 for one
/// snapshot). <see cref="Description"/> is pooltag.txt's text, null without the file.
/// </summary>
public sealed record PoolMonTagTrend(
    int Rank,
    string Tag,
    PoolMonPoolType Type,
    string TypeText,
    int Points,
    long FirstBytes,
    long LastBytes,
    long PeakBytes,
    long FirstDiff,
    long LastDiff,
    double BytesPerUnit,
    double DiffPerUnit,
    long LastPerAlloc,
    PoolLeakVerdict Verdict,
    string Reason,
    string? Description);
