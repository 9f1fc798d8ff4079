namespace Ntdbg.Analyses.Heaps.Segment;

/// <summary>
/// Walks a user-mode segment heap (`_SEGMENT_HEAP`): each segment context's segments (SegmentListHead),
/// each segment's page ranges from its descriptor array (allocated or free; user, internal, LFH or VS
/// ranges), and the large allocations (the LargeAllocMetadata tree). Back-end user ranges and large
/// allocations are listed as blocks; VS and LFH subsegments are listed whole, since the chunk headers
/// inside them are encoded with ntdll's RtlpHpHeapGlobals keys, which a heap's memory does not carry.
/// </summary>
public sealed class SegmentHeapWalker : IHeapWalker
{
    public const ulong PageSize = 0x1000;
    public const int MaxSegments = 65536;
    public const int MaxLargeAllocations = 1_000_000;
    private const byte Allocated = 0x01, FirstUnit = 0x02;
    /// <summary>_HEAP_SEG_RANGE_TYPE values (RangeFlags bits 2-3): user, internal, LFH, VS.</summary>
    private const int RangeUser = 0, RangeLfh = 2, RangeVs = 3;

    private readonly SegmentHeapLayout _layout;
    private readonly HeapMemory _memory;

    private SegmentHeapWalker(HeapReadContext context, ulong address, SegmentHeapLayout layout)
    {
        Address = address;
        _layout = layout;
        _memory = new HeapMemory(context.Memory, context.PointerSize);
    }

    public ulong Address { get; }
    public HeapKind Kind => HeapKind.SegmentHeap;

    public static SegmentHeapWalker? TryOpen(HeapReadContext context, ulong address, SegmentHeapLayout layout) =>
        new HeapMemory(context.Memory, context.PointerSize).UInt32(address + layout.HeapSignature) == SegmentHeapLayout.Signature
            ? new SegmentHeapWalker(context, address, layout) : null;

    /// <summary>A segment as its context describes it: where, how big, the unit size and the first real descriptor.</summary>
    public sealed record PageSegment(ulong Address, ulong Size, int UnitShift, int FirstDescriptor);

    /// <summary>One page range of a segment, from its first unit's descriptor.</summary>
    public sealed record PageRange(ulong Address, ulong Size, bool IsAllocated, int RangeType, ulong UnusedBytes);

    public IReadOnlyList<PageSegment> Segments(List<string> notes)
    {
        var segments = new List<PageSegment>();
        for (int c = 0; c < _layout.SegContextCount; c++)
        {
            ulong context = Address + _layout.HeapSegContexts + (ulong)c * _layout.SegContextSize;
            ulong? mask = _memory.UInt64(context + _layout.ContextSegmentMask);
            byte? shift = _memory.UInt8(context + _layout.ContextUnitShift), first = _memory.UInt8(context + _layout.ContextFirstDescriptorIndex);
            if (mask is null || shift is null || first is null) { notes.Add($"segment heap {Address:x}: SegContexts[{c}] at {context:x} is not in the dump"); continue; }
            ulong size = ~mask.Value + 1;
            if (shift < 12 || shift > 24 || size == 0 || size != (ulong)_layout.DescriptorCount << shift.Value)
            {
                notes.Add($"segment heap {Address:x}: SegContexts[{c}] has SegmentMask {mask:x} and UnitShift {shift}, which do not describe {_layout.DescriptorCount} units: its segments are not read");
                continue;
            }
            foreach (ulong link in _memory.ListLinks(context + _layout.ContextSegmentListHead, MaxSegments, $"segment heap {Address:x} SegContexts[{c}] segment list", notes))
            {
                ulong segment = link - _layout.SegmentListEntry;
                if ((segment & ~mask.Value) != 0) { notes.Add($"segment heap {Address:x}: segment {segment:x} is not aligned to {size:x}: skipped"); continue; }
                segments.Add(new PageSegment(segment, size, shift.Value, first.Value));
            }
        }
        return segments;
    }

    /// <summary>The page ranges of a segment in address order; a damaged descriptor ends the segment's walk with a note.</summary>
    public List<PageRange> Ranges(PageSegment segment, List<string> notes)
    {
        var ranges = new List<PageRange>();
        int unit = segment.FirstDescriptor;
        while (unit < _layout.DescriptorCount)
        {
            ulong d = segment.Address + _layout.SegmentDescArray + (ulong)unit * _layout.DescriptorSize;
            if (_memory.UInt8(d + _layout.DescriptorRangeFlags) is not { } flags || _memory.UInt8(d + _layout.DescriptorUnitSize) is not { } units)
            {
                notes.Add($"segment {segment.Address:x}: the descriptor of unit {unit} at {d:x} is not in the dump: the rest of the segment is not walked");
                break;
            }
            bool allocated = (flags & Allocated) != 0;
            if ((allocated && (flags & FirstUnit) == 0) || units == 0 || unit + units > _layout.DescriptorCount)
            {
                notes.Add($"segment {segment.Address:x}: the descriptor of unit {unit} at {d:x} (RangeFlags {flags:x2}, UnitSize {units}) does not start a range inside the segment: the rest of the segment is not walked");
                break;
            }
            ulong unused = allocated && _layout.DescriptorUnusedBytes is { } u ? _memory.UInt32(d + u) ?? 0 : 0;
            ranges.Add(new PageRange(segment.Address + ((ulong)unit << segment.UnitShift), (ulong)units << segment.UnitShift, allocated, (flags >> 2) & 3, unused));
            unit += units;
        }
        return ranges;
    }

    private HeapSummary? _summary;

    /// <summary>Computed once: a dump does not change, and !address, !heap and triage leak each ask for it (it walks segments and lists; Wine's walks every block).</summary>
    public HeapSummary Summarize() => _summary ??= ComputeSummary();

    private HeapSummary ComputeSummary()
    {
        var notes = new List<string>();
        var heapRanges = new List<HeapRange>();
        ulong free = 0;
        int freeRanges = 0;
        foreach (var segment in Segments(notes))
        {
            var ranges = Ranges(segment, notes);
            ulong header = (ulong)segment.FirstDescriptor << segment.UnitShift;
            // Allocated page ranges are committed; free ones may be too, which the descriptors' encoded counts would tell.
            heapRanges.Add(new HeapRange(segment.Address, segment.Address + segment.Size, header + (ulong)ranges.Where(r => r.IsAllocated).Sum(r => (decimal)r.Size), HeapBlockOrigin.Backend));
            foreach (var r in ranges.Where(r => !r.IsAllocated)) { free += r.Size; freeRanges++; }
        }
        var large = Large(notes);
        heapRanges.AddRange(large.Select(b => new HeapRange(b.EntryAddress, b.EntryAddress + b.BlockSize, b.BlockSize, HeapBlockOrigin.LargeVirtual)));
        ulong virtualBytes = (ulong)large.Sum(b => (decimal)b.BlockSize);

        // The heap's own page counters, as `!heap -s` prints them; the large allocations are counted apart.
        ulong? largeReserved = _memory.UInt64(Address + _layout.HeapLargeReservedPages), largeCommitted = _memory.UInt64(Address + _layout.HeapLargeCommittedPages);
        ulong? reservedPages = _layout.HeapTotalReservedPages is { } rp ? _memory.UInt64(Address + rp) : null;
        ulong? committedPages = _layout.HeapTotalCommittedPages is { } cp ? _memory.UInt64(Address + cp) : null;
        ulong reserved = (ulong)heapRanges.Sum(r => (decimal)r.ReservedBytes), committed = (ulong)heapRanges.Sum(r => (decimal)r.CommittedBytes);
        if (reservedPages is { } rsv && committedPages is { } cmt && largeReserved is { } lr && largeCommitted is { } lc)
        {
            if ((rsv + lr) * PageSize != reserved) notes.Add($"segment heap {Address:x}: its counters say {(rsv + lr) * PageSize:x} bytes reserved, the segments and large allocations found hold {reserved:x}");
            reserved = (rsv + lr) * PageSize;
            committed = (cmt + lc) * PageSize;
        }
        else notes.Add($"segment heap {Address:x}: MemStats/LargeCommittedPages are not readable: committed bytes are the allocated page ranges");

        int vs = 0, lfh = 0;
        foreach (var segment in Segments([]))
            foreach (var r in Ranges(segment, []).Where(r => r.IsAllocated))
            {
                if (r.RangeType == RangeVs) vs++;
                else if (r.RangeType == RangeLfh) lfh++;
            }
        if (vs + lfh > 0) notes.Add(KeyNote(vs, lfh));
        return new HeapSummary(Address, HeapKind.SegmentHeap, 0, reserved, committed, virtualBytes, free, freeRanges, null, large.Count, null, lfh > 0, heapRanges, notes);
    }

    public IEnumerable<HeapBlock> Blocks(List<string> notes)
    {
        int vs = 0, lfh = 0;
        foreach (var segment in Segments(notes))
        {
            ulong header = (ulong)segment.FirstDescriptor << segment.UnitShift;
            yield return new HeapBlock(segment.Address, segment.Address, header, 0, HeapBlockState.Internal, HeapBlockOrigin.Backend);
            foreach (var r in Ranges(segment, notes))
            {
                if (!r.IsAllocated) { yield return new HeapBlock(r.Address, r.Address, r.Size, r.Size, HeapBlockState.Free, HeapBlockOrigin.Backend); continue; }
                if (r.RangeType == RangeUser)
                {
                    yield return new HeapBlock(r.Address, r.Address, r.Size, r.UnusedBytes <= r.Size ? r.Size - r.UnusedBytes : r.Size, HeapBlockState.Busy, HeapBlockOrigin.Backend);
                    continue;
                }
                if (r.RangeType == RangeVs) vs++;
                if (r.RangeType == RangeLfh) lfh++;
                yield return new HeapBlock(r.Address, r.Address, r.Size, 0, HeapBlockState.Internal, r.RangeType == RangeLfh ? HeapBlockOrigin.Lfh : HeapBlockOrigin.Backend);
            }
        }
        foreach (var b in Large(notes)) yield return b;
        if (vs + lfh > 0) notes.Add(KeyNote(vs, lfh));
    }

    private string KeyNote(int vs, int lfh) =>
        $"segment heap {Address:x}: {vs} VS and {lfh} LFH subsegments are listed whole: the chunk headers inside them are encoded with ntdll's "
        + "RtlpHpHeapGlobals.HeapKey (VS) and LfhKey (LFH), which the heap's memory does not carry";

    /// <summary>The large allocations, in address order (an in-order walk of the LargeAllocMetadata tree, loop-checked and capped).</summary>
    public List<HeapBlock> Large(List<string> notes)
    {
        var blocks = new List<HeapBlock>();
        if (((_memory.UInt8(Address + _layout.HeapLargeAllocEncoded) ?? 0) & 1) != 0)
        {
            notes.Add($"segment heap {Address:x}: the large-allocation tree's links are encoded: large allocations are not listed");
            return blocks;
        }
        if (_memory.Pointer(Address + _layout.HeapLargeAllocRoot) is not { } root) { notes.Add($"segment heap {Address:x}: LargeAllocMetadata is not in the dump"); return blocks; }
        var seen = new HashSet<ulong>();
        var stack = new Stack<ulong>();
        ulong node = root;
        while (node != 0 || stack.Count > 0)
        {
            while (node != 0)
            {
                if (!seen.Add(node) || seen.Count > MaxLargeAllocations) { notes.Add($"segment heap {Address:x}: the large-allocation tree revisits {node:x} or is too big: walk stopped"); return blocks; }
                stack.Push(node);
                if (_memory.Pointer(node + _layout.NodeLeft) is not { } left) { notes.Add($"segment heap {Address:x}: large-allocation node {node:x} is not in the dump: walk stopped"); return blocks; }
                node = left;
            }
            node = stack.Pop();
            ulong? va = _memory.UInt64(node + _layout.LargeVirtualAddress), pages = _memory.UInt64(node + _layout.LargeAllocatedPages.Offset);
            if (va is null || pages is null) { notes.Add($"segment heap {Address:x}: large-allocation node {node:x} is not in the dump: walk stopped"); return blocks; }
            ulong unused = Field(va.Value, _layout.LargeUnusedBytes), count = Field(pages.Value, _layout.LargeAllocatedPages);
            ulong address = va.Value & ~((1UL << _layout.LargeUnusedBytes.Length) - 1), size = count * PageSize;
            blocks.Add(new HeapBlock(address, address, size, unused <= size ? size - unused : size, HeapBlockState.Busy, HeapBlockOrigin.LargeVirtual));
            node = _memory.Pointer(node + _layout.NodeRight) ?? 0;
        }
        return blocks;
    }

    private static ulong Field(ulong unit, (ulong Offset, int Position, int Length) bits) =>
        (unit >> bits.Position) & (bits.Length >= 64 ? ulong.MaxValue : (1UL << bits.Length) - 1);
}
