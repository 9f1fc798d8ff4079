namespace Ntdbg.Commands.Commands.Pool;

/// <summary>How `!poolused` orders its rows: by tag (flags 0), by non-paged bytes (2) or by paged bytes (4).</summary>
public enum PoolUsedSort { Tag, NonPagedBytes, PagedBytes }

/// <summary>
/// One pool's counters for a tag, summed over every tracker table that holds the tag: allocations
/// and frees since boot, Outstanding = Allocs − Frees (in the counters' own width, so a wrapped
/// 32-bit counter still gives the right difference) and the bytes still allocated.
/// </summary>
public sealed record PoolTagCounters(ulong Allocs, ulong Frees, long Outstanding, ulong Bytes)
{
    public static PoolTagCounters Zero { get; } = new(0, 0, 0, 0);

    public PoolTagCounters Add(PoolTagCounters o) => new(Allocs + o.Allocs, Frees + o.Frees, Outstanding + o.Outstanding, Bytes + o.Bytes);
}

/// <summary>One tag's use of non-paged and paged pool; Description comes from pooltag.txt when it is found.</summary>
public sealed record PoolTagUsage(string Tag, PoolTagCounters NonPaged, PoolTagCounters Paged, string? Description)
{
    /// <summary>Outstanding non-paged allocations (allocs − frees): the summary's NonPaged Allocs column.</summary>
    public long NonPagedAllocs => NonPaged.Outstanding;
    public ulong NonPagedBytes => NonPaged.Bytes;
    public long PagedAllocs => Paged.Outstanding;
    public ulong PagedBytes => Paged.Bytes;
}

/// <summary>Which tracker `!poolused` read: the standard (system-wide) pools, or the current session's pool (flag 8).</summary>
public enum PoolUsedPool { Standard, Session }

/// <summary>One tracker table that was read: what it is (e.g. "nt!ExPoolTagTables[1]"), where, and how many entries it has.</summary>
public sealed record PoolTrackerSource(string Name, ulong Address, ulong Entries);

/// <summary>
/// `!poolused`: the rows shown (after filter, sort and /t), the totals over every tag, the tables
/// the counters came from, and for flag 8 the session whose pool it is.
/// </summary>
public sealed record PoolUsedResult(
    PoolUsedSort Sort,
    bool Verbose,
    PoolUsedPool Pool,
    uint? SessionId,
    IReadOnlyList<PoolTagUsage> Tags,
    PoolTagCounters TotalNonPaged,
    PoolTagCounters TotalPaged,
    IReadOnlyList<PoolTrackerSource> Sources,
    IReadOnlyList<string> Notes)
{
    public long TotalNonPagedAllocs => TotalNonPaged.Outstanding;
    public ulong TotalNonPagedBytes => TotalNonPaged.Bytes;
    public long TotalPagedAllocs => TotalPaged.Outstanding;
    public ulong TotalPagedBytes => TotalPaged.Bytes;
}
