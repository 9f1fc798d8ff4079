namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>One _POOL_TRACKER_TABLE entry as written: which table ("nt!ExPoolTagTables[1]"), its address and its counters.</summary>
public sealed record WrittenTrackerEntry(string Table, ulong Address, SyntheticPoolTag Counters);

/// <summary>
/// Every tracker entry a scenario wrote, after <see cref="KernelScenario.Write"/>: the standard
/// pools' (nt!PoolTrackTable, the other processors' tables, the expansion table) and each
/// session's (its table and its expansion table). Tests derive what `!poolused` must show from
/// these, so a reader that skipped a table, or read one twice, is caught.
/// </summary>
public sealed class WrittenPoolTrackers
{
    public List<WrittenTrackerEntry> Standard { get; } = [];
    public Dictionary<uint, List<WrittenTrackerEntry>> Sessions { get; } = [];
    /// <summary>Each table's address and entry count, by name ("nt!PoolTrackTable", "session 1 nt!ExpSessionPoolTrackTable").</summary>
    public Dictionary<string, (ulong Address, ulong Entries)> Tables { get; } = [];

    public void Clear()
    {
        Standard.Clear();
        Sessions.Clear();
        Tables.Clear();
    }

    /// <summary>Per-tag sums of entries, with wrap-around at 64 bits as a reader's sums have (a processor can hold "negative" bytes).</summary>
    public static List<SyntheticPoolTag> SumByTag(IEnumerable<WrittenTrackerEntry> entries) =>
        [.. entries.GroupBy(e => e.Counters.Tag).Select(g => g.Select(e => e.Counters).Aggregate((a, b) => new SyntheticPoolTag(a.Tag,
            a.NonPagedAllocs + b.NonPagedAllocs, a.NonPagedFrees + b.NonPagedFrees, unchecked(a.NonPagedBytes + b.NonPagedBytes),
            a.PagedAllocs + b.PagedAllocs, a.PagedFrees + b.PagedFrees, unchecked(a.PagedBytes + b.PagedBytes))))];
}
