using Ntdbg.Synth.Kernel;

namespace Ntdbg.Synth.Heaps;

/// <summary>
/// Writes a user-mode segment heap (`_SEGMENT_HEAP`, signature 0xDDEEDDEE) laid out from one build's ISF
/// types (Windows 10 1809 and later; the kernel has the same heap): two 1 MiB segments on the first
/// segment context's list, each cut into page ranges by its descriptor array (back-end user allocations
/// with their UnusedBytes, VS, LFH and internal subsegments, free ranges), a second context with no
/// segments, and three large allocations in the LargeAllocMetadata tree. MemStats and the large page
/// counters match what was written. Subsegment contents are not written: their chunk headers need
/// ntdll's keys, which the walker does not have.
/// </summary>
public sealed class SegmentHeapWriter(IsfLayout isf)
{
    public const uint Signature = 0xDDEEDDEE;
    public const ulong Heap = 0x260_0000_0000, Page = SparsePages.PageSize, SegmentSize = 0x10_0000;
    public const int Units = 256, HeaderUnits = 2, RangeUser = 0, RangeInternal = 1, RangeLfh = 2, RangeVs = 3;

    /// <summary>A page range: its length in units, allocated or free, its range type and (user ranges) unused bytes.</summary>
    public sealed record Range(int Units, bool Allocated, int Type = RangeUser, uint Unused = 0);

    public static readonly ulong[] SegmentAddresses = [0x260_0010_0000, 0x260_0020_0000];

    public static readonly Range[][] DefaultRanges =
    [
        [new(4, true, RangeUser, 0x123), new(16, true, RangeVs), new(10, false), new(8, true, RangeLfh), new(1, true, RangeUser, 0x10), new(1, true, RangeInternal), new(214, false)],
        [new(20, true, RangeUser, 0x800), new(30, false), new(32, true, RangeVs), new(172, false)],
    ];

    /// <summary>Large allocations in address order: (address, pages, unused bytes).</summary>
    public static readonly (ulong Address, ulong Pages, ulong Unused)[] DefaultLarge =
        [(0x260_1000_0000, 0x90, 0x6f0), (0x260_1100_0000, 0x200, 0), (0x260_1200_0000, 0x41, 0xfff0)];

    public ulong LargeNode(int i) => Heap + 0x2000 + (ulong)i * 0x40;

    public SyntheticHeap Write()
    {
        var pages = new SparsePages();
        pages.Commit(Heap, Heap + 0x3000);
        var blocks = new List<SyntheticHeapBlock>();
        ulong context0 = Heap + isf.OffsetOf("_SEGMENT_HEAP", "SegContexts"), contextSize = isf.SizeOf("_HEAP_SEG_CONTEXT");
        WriteContext(pages, context0, ~(SegmentSize - 1), 12, HeaderUnits);
        WriteContext(pages, context0 + contextSize, ~(0x100_0000UL - 1), 16, 1);
        pages.LinkList(context0 + contextSize + isf.OffsetOf("_HEAP_SEG_CONTEXT", "SegmentListHead"), []);

        ulong descSize = isf.SizeOf("_HEAP_PAGE_RANGE_DESCRIPTOR"), descArray = isf.OffsetOf("_HEAP_PAGE_SEGMENT", "DescArray");
        ulong committedPages = 0, free = 0;
        int freeRanges = 0;
        for (int s = 0; s < SegmentAddresses.Length; s++)
        {
            ulong segment = SegmentAddresses[s];
            pages.Commit(segment, segment + HeaderUnits * Page);
            committedPages += HeaderUnits;
            blocks.Add(new SyntheticHeapBlock(segment, segment, HeaderUnits * Page, 0, SyntheticBlockState.Internal, SyntheticBlockOrigin.Backend));
            int unit = HeaderUnits;
            foreach (var r in DefaultRanges[s])
            {
                for (int k = 0; k < r.Units; k++)
                {
                    ulong d = segment + descArray + (ulong)(unit + k) * descSize;
                    byte flags = (byte)((r.Allocated ? 1 : 0) | (k == 0 ? 2 : 0) | (r.Allocated ? r.Type << 2 : 0));
                    pages.WriteByte(d + isf.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "RangeFlags"), flags);
                    // UnitSize on a range's first unit, UnitOffset (the same byte) on the others.
                    pages.WriteByte(d + isf.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitSize"), (byte)(k == 0 ? r.Units : k));
                    if (k == 0 && r.Allocated && r.Type == RangeUser) pages.WriteUInt32(d + isf.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnusedBytes"), r.Unused);
                }
                ulong address = segment + (ulong)unit * Page, size = (ulong)r.Units * Page;
                if (!r.Allocated)
                {
                    blocks.Add(new SyntheticHeapBlock(address, address, size, size, SyntheticBlockState.Free, SyntheticBlockOrigin.Backend));
                    free += size;
                    freeRanges++;
                }
                else
                {
                    committedPages += (ulong)r.Units;
                    blocks.Add(r.Type == RangeUser
                        ? new SyntheticHeapBlock(address, address, size, size - r.Unused, SyntheticBlockState.Busy, SyntheticBlockOrigin.Backend)
                        : new SyntheticHeapBlock(address, address, size, 0, SyntheticBlockState.Internal, r.Type == RangeLfh ? SyntheticBlockOrigin.Lfh : SyntheticBlockOrigin.Backend));
                }
                unit += r.Units;
            }
        }
        pages.LinkList(context0 + isf.OffsetOf("_HEAP_SEG_CONTEXT", "SegmentListHead"), [.. SegmentAddresses.Select(a => a + isf.OffsetOf("_HEAP_PAGE_SEGMENT", "ListEntry"))]);

        // The large allocations' tree: the middle one at the root, the others its children.
        ulong largePages = 0, virtualBytes = 0;
        for (int i = 0; i < DefaultLarge.Length; i++)
        {
            var (address, count, unused) = DefaultLarge[i];
            ulong node = LargeNode(i);
            pages.WriteUInt64(node + isf.OffsetOf("_HEAP_LARGE_ALLOC_DATA", "VirtualAddress"), address | unused);
            ulong pagesField = isf.OffsetOf("_HEAP_LARGE_ALLOC_DATA", "AllocatedPages");
            pages.WriteUInt64(pagesField + node, count << isf.BitPosition("_HEAP_LARGE_ALLOC_DATA", "AllocatedPages"));
            blocks.Add(new SyntheticHeapBlock(address, address, count * Page, count * Page - unused, SyntheticBlockState.Busy, SyntheticBlockOrigin.LargeVirtual));
            largePages += count;
            virtualBytes += count * Page;
        }
        pages.WriteUInt64(LargeNode(1) + isf.OffsetOf("_RTL_BALANCED_NODE", "Left"), LargeNode(0));
        pages.WriteUInt64(LargeNode(1) + isf.OffsetOf("_RTL_BALANCED_NODE", "Right"), LargeNode(2));
        pages.WriteUInt64(Heap + isf.OffsetOf("_SEGMENT_HEAP", "LargeAllocMetadata"), LargeNode(1));
        pages.WriteUInt64(Heap + isf.OffsetOf("_SEGMENT_HEAP", "LargeReservedPages"), largePages);
        pages.WriteUInt64(Heap + isf.OffsetOf("_SEGMENT_HEAP", "LargeCommittedPages"), largePages);

        ulong reservedPages = (ulong)SegmentAddresses.Length * Units;
        pages.WriteUInt64(Heap + isf.OffsetOf("_SEGMENT_HEAP", "MemStats") + isf.OffsetOf("_HEAP_RUNTIME_MEMORY_STATS", "TotalReservedPages"), reservedPages);
        pages.WriteUInt64(Heap + isf.OffsetOf("_SEGMENT_HEAP", "MemStats") + isf.OffsetOf("_HEAP_RUNTIME_MEMORY_STATS", "TotalCommittedPages"), committedPages);
        pages.WriteUInt32(Heap + isf.OffsetOf("_SEGMENT_HEAP", "Signature"), Signature);
        return new SyntheticHeap(Heap, pages, blocks, (reservedPages + largePages) * Page, (committedPages + largePages) * Page, virtualBytes, free, freeRanges, 0,
            DefaultLarge.Length, 0, 0, SegmentAddresses, []);
    }

    private void WriteContext(SparsePages pages, ulong context, ulong mask, byte unitShift, byte firstDescriptor)
    {
        pages.WriteUInt64(context + isf.OffsetOf("_HEAP_SEG_CONTEXT", "SegmentMask"), mask);
        pages.WriteByte(context + isf.OffsetOf("_HEAP_SEG_CONTEXT", "UnitShift"), unitShift);
        pages.WriteByte(context + isf.OffsetOf("_HEAP_SEG_CONTEXT", "FirstDescriptorIndex"), firstDescriptor);
    }
}
