namespace Ntdbg.Commands.Commands.Pool;

/// <summary>Where a pool chunk was found: which allocator's metadata described it.</summary>
public enum PoolChunkSource
{
    /// <summary>A POOL_HEADER chain on a classic (pre-19H1) pool page.</summary>
    ClassicPage,
    /// <summary>A variable-size subsegment of the 19H1+ segment-heap pool (HEAP_VS_CHUNK_HEADER then POOL_HEADER).</summary>
    SegmentHeapVs,
    /// <summary>A low-fragmentation-heap subsegment of the 19H1+ segment-heap pool (fixed-size blocks, POOL_HEADER each).</summary>
    SegmentHeapLfh,
    /// <summary>An allocation of a page or more, listed in nt!PoolBigPageTable (no POOL_HEADER).</summary>
    BigPage,
}

/// <summary>
/// One pool chunk as !pool and !poolfind print it. Address is where the chunk's POOL_HEADER is
/// (the block's start for big pages, which have none); Size and PreviousSize are in bytes
/// (PreviousSize 0 where the allocator keeps none, as in the segment heap).
/// </summary>
public sealed record PoolChunk(
    ulong Address,
    ulong Size,
    ulong PreviousSize,
    uint Tag,
    bool Allocated,
    bool Paged,
    PoolChunkSource Source)
{
    public string TagText => PoolTrackTableReader.TagText(Tag & 0x7fffffff);

    /// <summary>Protected-pool tags have bit 31 set (WinDbg shows them with the bit cleared and a note).</summary>
    public bool Protected => (Tag & 0x80000000) != 0;
}

/// <summary>The chunks of the pool page (or big allocation) holding an address, in address order.</summary>
public sealed record PoolPageListing(
    ulong PageAddress,
    string Region,
    IReadOnlyList<PoolChunk> Chunks,
    IReadOnlyList<string> Notes);
