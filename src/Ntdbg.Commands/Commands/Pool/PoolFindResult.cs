namespace Ntdbg.Commands.Commands.Pool;

/// <summary>Which pool !poolfind searches (its PoolType argument: 0, 1, 2 or 4).</summary>
public enum PoolFindPool { Nonpaged = 0, Paged = 1, Special = 2, Session = 4 }

/// <summary>
/// `!poolfind Tag [PoolType]`: the big allocations with the tag (every pool: the big page table
/// is one for all, each row says its pool) and the small blocks with the tag in the pool asked for.
/// <see cref="BigTableStart"/> and <see cref="BigTableEnd"/> (the table's bytes) are null when the
/// big page table could not be read (a note says why).
/// </summary>
public sealed record PoolFindResult(
    string Tag,
    uint? TagValue,
    PoolFindPool Pool,
    ulong? BigTableStart,
    ulong? BigTableEnd,
    IReadOnlyList<PoolChunk> BigAllocations,
    bool SmallPoolSearched,
    IReadOnlyList<PoolChunk> Blocks,
    IReadOnlyList<string> Notes);
