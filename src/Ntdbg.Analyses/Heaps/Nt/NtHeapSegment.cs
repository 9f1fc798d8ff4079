namespace Ntdbg.Analyses.Heaps.Nt;

/// <summary>An uncommitted range of a segment (`_HEAP_UCR_DESCRIPTOR`): reserved, not backed, skipped by the walk.</summary>
public readonly record struct NtHeapUncommittedRange(ulong Address, ulong Size)
{
    public ulong End => Address + Size;
}

/// <summary>One `_HEAP_SEGMENT` as read: its reserved pages, the entries' bounds and its uncommitted ranges.</summary>
public sealed record NtHeapSegment(
    ulong Address, ulong BaseAddress, ulong ReservedBytes, ulong UncommittedBytes, ulong FirstEntry, ulong LastValidEntry,
    IReadOnlyList<NtHeapUncommittedRange> UncommittedRanges)
{
    public ulong CommittedBytes => ReservedBytes > UncommittedBytes ? ReservedBytes - UncommittedBytes : 0;
    public ulong End => BaseAddress + ReservedBytes;
}

/// <summary>A large block (`_HEAP_VIRTUAL_ALLOC_ENTRY`): its own virtual allocation, listed in VirtualAllocdBlocks.</summary>
public sealed record NtHeapVirtualBlock(ulong Address, ulong CommitSize, ulong ReserveSize, HeapBlock Block);
