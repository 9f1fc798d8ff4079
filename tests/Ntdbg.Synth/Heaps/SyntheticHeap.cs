namespace Ntdbg.Synth.Heaps;

public enum SyntheticBlockState { Busy, Free, Internal }

public enum SyntheticBlockOrigin { Backend, Lfh, LargeVirtual }

/// <summary>One block as the writer laid it out: header address, what the caller got, sizes in bytes.</summary>
public sealed record SyntheticHeapBlock(ulong EntryAddress, ulong UserAddress, ulong BlockSize, ulong UserSize, SyntheticBlockState State, SyntheticBlockOrigin Origin);

/// <summary>
/// A synthetic heap and its truth: every block in walk order (segment by segment in SegmentList order,
/// address order inside, then the large blocks), and the `!heap -s` figures computed while writing.
/// <see cref="Pages"/> stays writable so a test can damage it before reading.
/// </summary>
public sealed record SyntheticHeap(
    ulong Address, SparsePages Pages, IReadOnlyList<SyntheticHeapBlock> Blocks,
    ulong ReservedBytes, ulong CommittedBytes, ulong VirtualBytes, ulong FreeBytes, int FreeListLength, int UncommittedRanges, int VirtualBlocks,
    uint LockCollisions, uint Flags, IReadOnlyList<ulong> SegmentAddresses, IReadOnlyList<ulong> FreeListLinks);
