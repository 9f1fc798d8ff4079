namespace Ntdbg.Commands.Commands.Pool;

/// <summary>How `!poolused` orders its rows: by tag (flags 0), by non-paged bytes (2) or by paged bytes (4).</summary>
public enum PoolUsedSort { Tag, NonPagedBytes, PagedBytes }

/// <summary>One tag's outstanding allocations (allocs − frees) and bytes in each pool; Description is null until a pooltag database is wired in.</summary>
public sealed record PoolTagUsage(string Tag, long NonPagedAllocs, ulong NonPagedBytes, long PagedAllocs, ulong PagedBytes, string? Description);

/// <summary>`!poolused`: the rows shown (after filter, sort and /t), and the totals over every tag in the table.</summary>
public sealed record PoolUsedResult(
    PoolUsedSort Sort,
    IReadOnlyList<PoolTagUsage> Tags,
    long TotalNonPagedAllocs,
    ulong TotalNonPagedBytes,
    long TotalPagedAllocs,
    ulong TotalPagedBytes,
    IReadOnlyList<string> Notes);
