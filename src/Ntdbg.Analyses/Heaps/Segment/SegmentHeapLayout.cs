namespace Ntdbg.Analyses.Heaps.Segment;

/// <summary>
/// Where the user-mode segment heap keeps what the walker reads, from the symbols' `_SEGMENT_HEAP`,
/// `_HEAP_SEG_CONTEXT`, `_HEAP_PAGE_SEGMENT`, `_HEAP_PAGE_RANGE_DESCRIPTOR`, `_HEAP_LARGE_ALLOC_DATA` and
/// `_RTL_BALANCED_NODE` (ntdll's, or the kernel's, which has the same heap since Windows 10).
/// </summary>
public sealed record SegmentHeapLayout(
    ulong HeapSignature, ulong HeapSegContexts, int SegContextCount, ulong SegContextSize,
    ulong HeapLargeAllocRoot, ulong HeapLargeAllocEncoded, ulong HeapLargeReservedPages, ulong HeapLargeCommittedPages,
    ulong? HeapTotalReservedPages, ulong? HeapTotalCommittedPages,
    ulong ContextSegmentMask, ulong ContextUnitShift, ulong ContextFirstDescriptorIndex, ulong ContextSegmentListHead,
    ulong SegmentListEntry, ulong SegmentDescArray, int DescriptorCount, ulong DescriptorSize,
    ulong DescriptorRangeFlags, ulong DescriptorUnitSize, ulong? DescriptorUnusedBytes,
    ulong NodeLeft, ulong NodeRight, ulong LargeVirtualAddress, (ulong Offset, int Position, int Length) LargeUnusedBytes,
    (ulong Offset, int Position, int Length) LargeAllocatedPages)
{
    /// <summary>_SEGMENT_HEAP.Signature of every segment heap.</summary>
    public const uint Signature = 0xDDEEDDEE;

    public static SegmentHeapLayout? Load(HeapReadContext context, List<string> notes)
    {
        var f = new HeapTypeFields(context.FindType);
        var heap = f.Type("_SEGMENT_HEAP");
        var seg = f.Type("_HEAP_SEG_CONTEXT");
        var page = f.Type("_HEAP_PAGE_SEGMENT");
        var desc = f.Type("_HEAP_PAGE_RANGE_DESCRIPTOR");
        var large = f.Type("_HEAP_LARGE_ALLOC_DATA");
        var node = f.Type("_RTL_BALANCED_NODE");
        if (f.Missing.Count > 0)
        {
            notes.Add($"the symbols lack {string.Join(", ", f.Missing)}: the segment heap cannot be walked");
            return null;
        }
        var unused = HeapTypeFields.Bits(large, "UnusedBytes");
        var pages = HeapTypeFields.Bits(large, "AllocatedPages");
        if (unused is null || pages is null) f.Missing.Add("_HEAP_LARGE_ALLOC_DATA.UnusedBytes/AllocatedPages bitfields");
        var layout = new SegmentHeapLayout(
            f.Offset(heap, "Signature"), f.Offset(heap, "SegContexts"), (int)(HeapTypeFields.SizeOf(heap, "SegContexts") / Math.Max(1, seg!.Size)), seg.Size,
            f.Offset(heap, "LargeAllocMetadata.Root"), f.Offset(heap, "LargeAllocMetadata.Encoded"), f.Offset(heap, "LargeReservedPages"), f.Offset(heap, "LargeCommittedPages"),
            HeapTypeFields.Optional(heap, "MemStats.TotalReservedPages"), HeapTypeFields.Optional(heap, "MemStats.TotalCommittedPages"),
            f.Offset(seg, "SegmentMask"), f.Offset(seg, "UnitShift"), f.Offset(seg, "FirstDescriptorIndex"), f.Offset(seg, "SegmentListHead"),
            f.Offset(page, "ListEntry"), f.Offset(page, "DescArray"), (int)(HeapTypeFields.SizeOf(page, "DescArray") / Math.Max(1, desc!.Size)), desc.Size,
            f.Offset(desc, "RangeFlags"), f.Offset(desc, "UnitSize"), HeapTypeFields.Optional(desc, "UnusedBytes"),
            f.Offset(node, "Left"), f.Offset(node, "Right"), f.Offset(large, "VirtualAddress"), unused ?? default, pages ?? default);
        if (f.Missing.Count > 0)
        {
            notes.Add($"the symbols lack {string.Join(", ", f.Missing)}: the segment heap cannot be walked");
            return null;
        }
        return layout;
    }
}
