namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>
/// The blocks of a low-fragmentation-heap (LFH) subsegment: BlockCount blocks of BlockSize bytes from
/// FirstBlockOffset, both packed in BlockOffsets and encoded with the LFH key and the subsegment's
/// address; BlockBitmap keeps two bits per block, the low one set while the block is allocated. Each
/// block starts with its POOL_HEADER (a free block keeps the header of its last allocation).
/// </summary>
internal sealed class LfhSubsegmentReader(PoolHeaps pool, PoolMemory memory)
{
    private SegmentHeapLayout L => pool.Layout;

    public IEnumerable<PoolChunk> Chunks(PageRange range, List<string> notes)
    {
        ulong subsegment = range.Start;
        ulong? count = memory.Number(subsegment + L.LfhBlockCount, 2, "_HEAP_LFH_SUBSEGMENT.BlockCount", notes);
        ulong? encoded = memory.Number(subsegment + L.LfhBlockOffsets, 4, "_HEAP_LFH_SUBSEGMENT.BlockOffsets", notes);
        if (count is not ulong blocks || encoded is not ulong stored) yield break;
        uint offsets = SegmentHeapEncoding.DecodeLfhBlockOffsets((uint)stored, subsegment, pool.LfhKey);
        ulong blockSize = L.LfhBlockSize.From(offsets), first = L.LfhFirstBlockOffset.From(offsets);
        ulong bitmapBytes = (blocks * 2 + 7) / 8;
        if (blocks == 0 || blockSize < L.PoolHeaderSize || first < L.LfhBlockBitmap + bitmapBytes || first + blocks * blockSize > range.Length)
        {
            notes.Add($"LFH subsegment {memory.Pointer(subsegment)}: {blocks} blocks of {blockSize:x} bytes from offset {first:x} do not fit its {range.Length:x}-byte page range: the subsegment is damaged or nt!RtlpHpHeapGlobals.LfhKey is not the key BlockOffsets was encoded with");
            yield break;
        }
        var bitmap = memory.Bytes(subsegment + L.LfhBlockBitmap, (int)bitmapBytes, "_HEAP_LFH_SUBSEGMENT.BlockBitmap", notes);
        if (bitmap == null) yield break;
        for (ulong i = 0; i < blocks; i++)
        {
            ulong block = subsegment + first + i * blockSize;
            bool allocated = ((bitmap[i / 4] >> (int)(i % 4 * 2)) & 1) != 0;
            // A free block's page may be decommitted: only an allocated block's missing header is worth a note.
            uint tag = memory.Number(block + L.PoolHeaderTag, 4, "POOL_HEADER of LFH block", allocated ? notes : null) is ulong t ? (uint)t : 0;
            yield return new PoolChunk(block, blockSize, 0, tag, allocated, range.Heap.Paged, PoolChunkSource.SegmentHeapLfh);
        }
    }
}
