namespace Ntdbg.Analyses.Heaps.Nt;

/// <summary>
/// Where the NT heap keeps what the walker reads, from the symbols' `_HEAP`, `_HEAP_SEGMENT`,
/// `_HEAP_ENTRY`, `_HEAP_FREE_ENTRY`, `_HEAP_UCR_DESCRIPTOR` and `_HEAP_VIRTUAL_ALLOC_ENTRY` (ntdll's, or
/// the kernel's: the kernel carries the same Rtl heap). Entry fields are relative to the 8-byte
/// "compact header" that starts at `_HEAP_ENTRY.Size` (offset 8 on x64, 0 on x86), the part the heap
/// XORs with `_HEAP.Encoding`. Optional fields (absent on some builds) are null.
/// </summary>
public sealed record NtHeapLayout(
    ulong EntrySize, ulong EntryHeaderOffset, int EntryFlags, int EntrySmallTagIndex, int EntryPreviousSize, int EntryUnusedBytes,
    ulong HeapSize, ulong HeapSignature, ulong HeapFlags, ulong HeapEncodeFlagMask, ulong HeapEncoding,
    ulong HeapTotalFreeSize, int HeapTotalFreeSizeBytes, ulong HeapSegmentList, ulong HeapVirtualAllocdBlocks, ulong HeapFreeLists,
    ulong? HeapLockVariable, ulong? HeapFrontEndHeap, ulong? HeapFrontEndHeapType, ulong? HeapLockCollisions,
    ulong SegmentSignature, ulong SegmentListEntry, ulong SegmentBaseAddress, ulong SegmentNumberOfPages, ulong SegmentFirstEntry,
    ulong SegmentLastValidEntry, ulong SegmentUncommittedPages, ulong SegmentUcrList,
    ulong UcrSegmentEntry, ulong UcrAddress, ulong UcrSize,
    ulong VaEntry, ulong VaCommitSize, ulong VaReserveSize, ulong VaBusyBlock,
    ulong FreeEntryFreeList)
{
    /// <summary>_HEAP.Signature of every NT heap (HEAP_SIGNATURE).</summary>
    public const uint Signature = 0xEEFFEEFF;

    /// <summary>_HEAP_SEGMENT.SegmentSignature of every segment, the heap's first included (HEAP_SEGMENT_SIGNATURE).</summary>
    public const uint SegmentSignatureValue = 0xFFEEFFEE;

    /// <summary>The layout from the symbols, or null with one note naming every missing type or field.</summary>
    public static NtHeapLayout? Load(HeapReadContext context, List<string> notes)
    {
        var f = new HeapTypeFields(context.FindType);
        var heap = f.Type("_HEAP");
        var segment = f.Type("_HEAP_SEGMENT");
        var entry = f.Type("_HEAP_ENTRY");
        var ucr = f.Type("_HEAP_UCR_DESCRIPTOR");
        var va = f.Type("_HEAP_VIRTUAL_ALLOC_ENTRY");
        var freeEntry = f.Type("_HEAP_FREE_ENTRY", required: false);
        var counters = HeapTypeFields.Optional(heap, "Counters") is null ? null : HeapTypeFields.Optional(heap, "Counters.LockCollisions");
        if (f.Missing.Count > 0)
        {
            notes.Add($"the symbols lack {string.Join(", ", f.Missing)}: the NT heap cannot be walked");
            return null;
        }
        ulong header = f.Offset(entry, "Size");
        int Rel(string name) => (int)(f.Offset(entry, name) - header);
        var layout = new NtHeapLayout(
            entry!.Size, header, Rel("Flags"), Rel("SmallTagIndex"), Rel("PreviousSize"), Rel("UnusedBytes"),
            heap!.Size, f.Offset(heap, "Signature"), f.Offset(heap, "Flags"), f.Offset(heap, "EncodeFlagMask"), f.Offset(heap, "Encoding"),
            f.Offset(heap, "TotalFreeSize"), (int)HeapTypeFields.SizeOf(heap, "TotalFreeSize"), f.Offset(heap, "SegmentList"),
            f.Offset(heap, "VirtualAllocdBlocks"), f.Offset(heap, "FreeLists"),
            HeapTypeFields.Optional(heap, "LockVariable"), HeapTypeFields.Optional(heap, "FrontEndHeap"), HeapTypeFields.Optional(heap, "FrontEndHeapType"), counters,
            f.Offset(segment, "SegmentSignature"), f.Offset(segment, "SegmentListEntry"), f.Offset(segment, "BaseAddress"), f.Offset(segment, "NumberOfPages"),
            f.Offset(segment, "FirstEntry"), f.Offset(segment, "LastValidEntry"), f.Offset(segment, "NumberOfUnCommittedPages"), f.Offset(segment, "UCRSegmentList"),
            f.Offset(ucr, "SegmentEntry"), f.Offset(ucr, "Address"), f.Offset(ucr, "Size"),
            f.Offset(va, "Entry"), f.Offset(va, "CommitSize"), f.Offset(va, "ReserveSize"), f.Offset(va, "BusyBlock"),
            // Without the type the free list sits right after the entry header, as it always has.
            HeapTypeFields.Optional(freeEntry, "FreeList") ?? entry.Size);
        if (f.Missing.Count > 0)
        {
            notes.Add($"the symbols lack {string.Join(", ", f.Missing)}: the NT heap cannot be walked");
            return null;
        }
        return layout;
    }
}
