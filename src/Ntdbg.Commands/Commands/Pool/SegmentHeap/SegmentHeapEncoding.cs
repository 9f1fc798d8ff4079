namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>
/// How the kernel's segment heap (the pool allocator from Windows 10 19H1) hides its metadata,
/// as described in docs/kernel-pool.md: every value is XOR-ed with one of the two random keys in
/// nt!RtlpHpHeapGlobals and with the address it is stored at, so a reader needs both.
/// Field offsets and bit positions come from the kernel's symbols; only these formulas and
/// constants are fixed by the allocator's code and are kept here.
/// </summary>
public static class SegmentHeapEncoding
{
    /// <summary>The constant the segment signature is XOR-ed with (nt!RtlpHpSegGetDescriptor... compare against it).</summary>
    public const ulong SegmentSignatureConstant = 0xA2E64EADA2E64EAD;

    /// <summary>The constant a VS subsegment's Signature is its Size XOR-ed with (15 bits kept).</summary>
    public const ushort VsSubsegmentSignatureConstant = 0x2BED;

    /// <summary>_HEAP_PAGE_RANGE_DESCRIPTOR.RangeFlags bit 0: the page range is allocated.</summary>
    public const byte RangeAllocated = 0x01;

    /// <summary>RangeFlags bit 1: this descriptor is the first of its range (the others hold UnitOffset back to it).</summary>
    public const byte RangeFirst = 0x02;

    /// <summary>RangeFlags bits 2-3 hold the range's _HEAP_SEG_RANGE_TYPE (user, internal, LFH, VS).</summary>
    public const int RangeTypeShift = 2;

    /// <summary>The value the kernel stores in _HEAP_PAGE_SEGMENT.Signature: the segment and its _HEAP_SEG_CONTEXT tied to the heap key.</summary>
    public static ulong SegmentSignature(ulong segment, ulong segmentContext, ulong heapKey) =>
        segment ^ segmentContext ^ heapKey ^ SegmentSignatureConstant;

    /// <summary>The _HEAP_SEG_CONTEXT a segment's stored signature names (the inverse of <see cref="SegmentSignature"/>).</summary>
    public static ulong SegmentContextOf(ulong segment, ulong storedSignature, ulong heapKey) =>
        segment ^ storedSignature ^ heapKey ^ SegmentSignatureConstant;

    /// <summary>_HEAP_VS_CHUNK_HEADER.Sizes.HeaderBits in the clear: stored ^ chunk header address ^ HeapKey.</summary>
    public static ulong DecodeVsHeaderBits(ulong stored, ulong chunkHeader, ulong heapKey) => stored ^ chunkHeader ^ heapKey;

    /// <summary>
    /// An allocated VS chunk's EncodedSegmentPageOffset in the clear: the low byte of
    /// stored ^ chunk header address ^ HeapKey, the number of pages from its VS subsegment to the chunk header.
    /// </summary>
    public static byte DecodeVsPageOffset(byte stored, ulong chunkHeader, ulong heapKey) => (byte)(stored ^ (byte)chunkHeader ^ (byte)heapKey);

    /// <summary>
    /// _HEAP_LFH_SUBSEGMENT.BlockOffsets.EncodedData in the clear: stored ^ low 32 bits of LfhKey ^
    /// (low 32 bits of the subsegment address &gt;&gt; 12). BlockSize is its low 16 bits, FirstBlockOffset the high 16.
    /// </summary>
    public static uint DecodeLfhBlockOffsets(uint stored, ulong subsegment, ulong lfhKey) =>
        stored ^ (uint)lfhKey ^ ((uint)subsegment >> 12);

    /// <summary>Whether a VS subsegment's Size and Signature agree (((Size ^ Signature ^ 0x2BED) &amp; 0x7fff) == 0).</summary>
    public static bool VsSubsegmentSignatureValid(ushort size, ushort signature) =>
        ((size ^ signature ^ VsSubsegmentSignatureConstant) & 0x7fff) == 0;
}
