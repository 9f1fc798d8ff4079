namespace Ntdbg.Analyses.Heaps;

/// <summary>Which allocator laid the heap out; each has its own walker, chosen by signature.</summary>
public enum HeapKind
{
    /// <summary>ntdll's classic heap (_HEAP, 0xEEFFEEFF signature): segments, encoded entries, LFH front end, large blocks.</summary>
    NtHeap,
    /// <summary>The Windows 10+ segment heap (_SEGMENT_HEAP, 0xDDEEDDEE signature).</summary>
    SegmentHeap,
    /// <summary>Wine's ntdll heap (the project's own fixtures run under Wine).</summary>
    WineHeap,
}

public enum HeapBlockState
{
    Busy,
    Free,
    /// <summary>Allocator metadata inside the heap (segment headers, LFH subsegment headers, bitmaps).</summary>
    Internal,
}

/// <summary>Which part of the allocator a block came from.</summary>
public enum HeapBlockOrigin
{
    /// <summary>The back end: a block inside a segment.</summary>
    Backend,
    /// <summary>The low-fragmentation front end (an LFH subsegment / bucket).</summary>
    Lfh,
    /// <summary>A large block with its own virtual allocation (VirtualAllocdBlocks, large range).</summary>
    LargeVirtual,
}

/// <summary>
/// One heap block. <see cref="EntryAddress"/> is the header's address (what `!heap -p -a` calls HEAP_ENTRY),
/// <see cref="UserAddress"/> what HeapAlloc returned; <see cref="BlockSize"/> counts header and padding,
/// <see cref="UserSize"/> the bytes the program asked for (when the allocator records it; else the usable size).
/// </summary>
public readonly record struct HeapBlock(
    ulong EntryAddress,
    ulong UserAddress,
    ulong BlockSize,
    ulong UserSize,
    HeapBlockState State,
    HeapBlockOrigin Origin);

/// <summary>A contiguous reserved range of a heap (a segment, an LFH/large virtual allocation).</summary>
public sealed record HeapRange(ulong Start, ulong End, ulong CommittedBytes, HeapBlockOrigin Origin)
{
    public ulong ReservedBytes => End - Start;
    public bool Contains(ulong address) => address >= Start && address < End;
}

/// <summary>
/// What `!heap -s` prints for one heap. Sizes in bytes (the renderer prints WinDbg's K units).
/// A value the walker could not establish is null, with the reason in <see cref="Notes"/>.
/// </summary>
public sealed record HeapSummary(
    ulong Address,
    HeapKind Kind,
    uint Flags,
    ulong ReservedBytes,
    ulong CommittedBytes,
    ulong VirtualBytes,
    ulong? FreeBytes,
    int? FreeListLength,
    int? UncommittedRanges,
    int? VirtualBlocks,
    uint? LockContention,
    bool FastHeap,
    IReadOnlyList<HeapRange> Ranges,
    IReadOnlyList<string> Notes);

/// <summary>One heap of a process, as its allocator laid it out.</summary>
public interface IHeapWalker
{
    ulong Address { get; }
    HeapKind Kind { get; }

    /// <summary>The `!heap -s` figures. Never throws on bad memory: problems become notes.</summary>
    HeapSummary Summarize();

    /// <summary>
    /// Every block in address order within each range. Missing or corrupt memory ends that range's walk
    /// with a note (which address, why); the walk never loops (visited entries are bounded).
    /// </summary>
    IEnumerable<HeapBlock> Blocks(List<string> notes);
}
