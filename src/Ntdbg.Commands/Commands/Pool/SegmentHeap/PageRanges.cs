namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>An allocated page range of a segment: where it starts, how long it is, and its _HEAP_SEG_RANGE_TYPE.</summary>
public sealed record PageRange(PoolHeap Heap, ulong Segment, ulong Start, ulong Length, long RangeType);

/// <summary>
/// One _HEAP_SEG_CONTEXT of a pool heap: segments of 1 MB (4 KB units) or 16 MB (64 KB units) on the builds seen.
/// The segment's own header (list links, signature) overlays the first descriptors, so the real ones start at FirstDescriptorIndex.
/// </summary>
internal sealed record SegmentContext(PoolHeap Heap, ulong Address, ulong SegmentMask, int UnitShift, ulong FirstDescriptorIndex);

/// <summary>
/// Finds the segments of the pool heaps and the page ranges inside them. A segment is aligned to its
/// context's segment size, starts with the array of _HEAP_PAGE_RANGE_DESCRIPTORs (one per unit),
/// and carries a Signature tying it to its context with the heap key, which is how an address is
/// matched to its heap without trusting anything else (docs/kernel-pool.md).
/// </summary>
internal sealed class PageRanges(PoolHeaps pool, PoolMemory memory)
{
    // Segments are at least 64 KB and the page-range descriptor array indexes at most 256 units in the builds seen; anything outside is damage.
    private const int MinSegmentShift = 16, MaxSegmentShift = 32, MaxUnitShift = 24;
    private const int MaxSegmentsPerContext = 1 << 16;

    private SegmentHeapLayout L => pool.Layout;

    /// <summary>Each heap's segment contexts whose mask and unit shift make sense (a note for the others).</summary>
    public List<SegmentContext> Contexts(List<string> notes)
    {
        var contexts = new List<SegmentContext>();
        foreach (var heap in pool.Heaps)
        {
            for (ulong i = 0; i < L.SegContextCount; i++)
            {
                ulong address = heap.Address + L.HeapSegContexts + i * L.SegContextSize;
                ulong? mask = memory.Number(address + L.SegContextSegmentMask, 8, $"_HEAP_SEG_CONTEXT.SegmentMask of heap {memory.Pointer(heap.Address)}", notes);
                ulong? shift = memory.Number(address + L.SegContextUnitShift, 1, $"_HEAP_SEG_CONTEXT.UnitShift of heap {memory.Pointer(heap.Address)}", notes);
                ulong? firstDescriptor = memory.Number(address + L.SegContextFirstDescriptorIndex, 1, $"_HEAP_SEG_CONTEXT.FirstDescriptorIndex of heap {memory.Pointer(heap.Address)}", notes);
                if (mask is not ulong m || shift is not ulong s || firstDescriptor is not ulong f) continue;
                ulong span = ~m + 1;
                int segmentShift = span == 0 ? 64 : System.Numerics.BitOperations.TrailingZeroCount(span);
                if (m == 0 || (span & (span - 1)) != 0 || segmentShift is < MinSegmentShift or > MaxSegmentShift || s > MaxUnitShift || (int)s >= segmentShift || f >= L.DescriptorCount)
                {
                    notes.Add($"segment context {memory.Pointer(address)} of heap {memory.Pointer(heap.Address)} has SegmentMask {m:x}, UnitShift {s} and FirstDescriptorIndex {f}, not a segment layout: skipped");
                    continue;
                }
                contexts.Add(new SegmentContext(heap, address, m, (int)s, f));
            }
        }
        return contexts;
    }

    /// <summary>Whether the segment's stored signature names this context (read failures are silent: the caller says what it looked for).</summary>
    public bool SignatureMatches(ulong segment, SegmentContext context) =>
        memory.Number(segment + L.SegmentSignature, 8, "", null) is ulong stored
        && stored == SegmentHeapEncoding.SegmentSignature(segment, context.Address, pool.HeapKey);

    /// <summary>The segment holding an address and the context that owns it, or null.</summary>
    public (ulong Segment, SegmentContext Context)? SegmentOf(ulong address, List<SegmentContext> contexts)
    {
        foreach (var context in contexts)
        {
            ulong segment = address & context.SegmentMask;
            if (SignatureMatches(segment, context)) return (segment, context);
        }
        return null;
    }

    /// <summary>The allocated page range holding an address of a segment, or null with a note saying why not.</summary>
    public PageRange? RangeOf(ulong address, ulong segment, SegmentContext context, List<string> notes)
    {
        var descriptors = Descriptors(segment, notes);
        if (descriptors == null) return null;
        ulong index = (address - segment) >> context.UnitShift;
        if (index >= L.DescriptorCount)
        {
            notes.Add($"{memory.Pointer(address)} is unit {index} of segment {memory.Pointer(segment)}, past its {L.DescriptorCount} page-range descriptors");
            return null;
        }
        if (index < context.FirstDescriptorIndex)
        {
            notes.Add($"{memory.Pointer(address)} is in the header of segment {memory.Pointer(segment)} ({context.Heap.TypeName} heap {memory.Pointer(context.Heap.Address)}), not in a pool block");
            return null;
        }
        byte flags = Flags(descriptors, index);
        if ((flags & SegmentHeapEncoding.RangeAllocated) == 0)
        {
            notes.Add($"{memory.Pointer(address)} is in a free page range of segment {memory.Pointer(segment)} ({context.Heap.TypeName} heap {memory.Pointer(context.Heap.Address)})");
            return null;
        }
        if ((flags & SegmentHeapEncoding.RangeFirst) == 0)
        {
            ulong back = descriptors[(int)(index * L.DescriptorSize + L.DescriptorUnitOffset)];
            if (back == 0 || back > index - context.FirstDescriptorIndex)
            {
                notes.Add($"page-range descriptor {index} of segment {memory.Pointer(segment)} points {back} units back, outside the segment: the descriptor is damaged");
                return null;
            }
            index -= back;
            flags = Flags(descriptors, index);
            if ((flags & (SegmentHeapEncoding.RangeAllocated | SegmentHeapEncoding.RangeFirst)) != (SegmentHeapEncoding.RangeAllocated | SegmentHeapEncoding.RangeFirst))
            {
                notes.Add($"page-range descriptor {index} of segment {memory.Pointer(segment)} is not the allocated first unit its followers point at (flags {flags:x2}): the descriptors are damaged");
                return null;
            }
        }
        return Range(descriptors, segment, context, index);
    }

    /// <summary>Every allocated page range of a segment, in address order (a damaged descriptor ends the walk with a note).</summary>
    public IEnumerable<PageRange> RangesIn(ulong segment, SegmentContext context, List<string> notes)
    {
        var descriptors = Descriptors(segment, notes);
        if (descriptors == null) yield break;
        ulong index = context.FirstDescriptorIndex;
        while (index < L.DescriptorCount)
        {
            byte flags = Flags(descriptors, index);
            if ((flags & (SegmentHeapEncoding.RangeAllocated | SegmentHeapEncoding.RangeFirst)) == (SegmentHeapEncoding.RangeAllocated | SegmentHeapEncoding.RangeFirst))
            {
                var range = Range(descriptors, segment, context, index);
                yield return range;
                index += range.Length >> context.UnitShift;
            }
            else
            {
                index++;
            }
        }
    }

    /// <summary>The segments on a context's SegmentListHead (each checked against its signature), with cycle and count limits.</summary>
    public IEnumerable<ulong> Segments(SegmentContext context, List<string> notes)
    {
        ulong head = context.Address + L.SegContextSegmentListHead;
        ulong? next = memory.Number(head, 8, $"the segment list of heap {memory.Pointer(context.Heap.Address)}", notes);
        var seen = new HashSet<ulong>();
        while (next is ulong entry && entry != head)
        {
            if (!seen.Add(entry))
            {
                notes.Add($"the segment list of context {memory.Pointer(context.Address)} loops back to {memory.Pointer(entry)}: the walk stops there");
                yield break;
            }
            if (seen.Count > MaxSegmentsPerContext)
            {
                notes.Add($"the segment list of context {memory.Pointer(context.Address)} has more than {MaxSegmentsPerContext} entries: the walk stops there");
                yield break;
            }
            // ListEntry is the first field of _HEAP_PAGE_SEGMENT (it overlays DescArray[0]).
            ulong segment = entry;
            if ((segment & ~context.SegmentMask) != 0 || !SignatureMatches(segment, context))
            {
                notes.Add($"segment list entry {memory.Pointer(segment)} of context {memory.Pointer(context.Address)} is not a segment of that heap (misaligned or wrong signature): the walk stops there");
                yield break;
            }
            yield return segment;
            next = memory.Number(segment, 8, $"the segment list link of segment {memory.Pointer(segment)}", notes);
        }
    }

    private byte[]? Descriptors(ulong segment, List<string> notes) =>
        memory.Bytes(segment + L.SegmentDescArray, (int)(L.DescriptorCount * L.DescriptorSize), $"the page-range descriptors of segment {memory.Pointer(segment)}", notes);

    private byte Flags(byte[] descriptors, ulong index) => descriptors[(int)(index * L.DescriptorSize + L.DescriptorRangeFlags)];

    private PageRange Range(byte[] descriptors, ulong segment, SegmentContext context, ulong index)
    {
        byte flags = Flags(descriptors, index);
        ulong units = descriptors[(int)(index * L.DescriptorSize + L.DescriptorUnitSize)];
        units = Math.Clamp(units, 1, L.DescriptorCount - index);
        return new PageRange(context.Heap, segment, segment + (index << context.UnitShift), units << context.UnitShift, (flags >> SegmentHeapEncoding.RangeTypeShift) & 3);
    }
}
