namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>
/// The chunks of a variable-size (VS) subsegment: a _HEAP_VS_SUBSEGMENT header, then chunks back
/// to back from the next 16-byte boundary, each a _HEAP_VS_CHUNK_HEADER (sizes encoded with the
/// heap key and the header's address) followed, when allocated, by the POOL_HEADER the caller's
/// memory starts after. A free chunk's POOL_HEADER bytes hold the free-tree node instead, so it has no tag.
/// When the heap's VS context has PageAlignLargeAllocs set, a chunk whose start + 32 is page-aligned
/// holds its allocation there (16 bytes of padding after the VS header), as the kernel's free path
/// assumes when it looks for the header 32 bytes before a page-aligned address.
/// </summary>
internal sealed class VsSubsegmentReader(PoolHeaps pool, PoolMemory memory)
{
    private SegmentHeapLayout L => pool.Layout;

    public IEnumerable<PoolChunk> Chunks(PageRange range, List<string> notes)
    {
        ulong subsegment = range.Start;
        var header = memory.Bytes(subsegment, (int)L.VsSubsegmentSize, "VS subsegment header", notes);
        if (header == null) yield break;
        ushort size = BitConverter.ToUInt16(header, (int)L.VsSubsegmentSizeField);
        ushort signature = (ushort)L.VsSubsegmentSignature.Read(header);
        if (!SegmentHeapEncoding.VsSubsegmentSignatureValid(size, signature))
        {
            notes.Add($"VS subsegment {memory.Pointer(subsegment)} has Size {size:x} and Signature {signature:x}, which do not match: it is damaged and its chunks are not listed");
            yield break;
        }
        ulong first = subsegment + ((L.VsSubsegmentSize + 15) & ~15UL);
        ulong end = Math.Min(first + (ulong)size * 16, range.Start + range.Length);
        ulong chunk = first, expectedPrevious = 0;
        int headerSize = (int)L.VsChunkHeaderSize;
        bool pageAlign = L.PageAlignLargeAllocs is BitField align
            && memory.Number(range.Heap.Address + L.HeapVsConfig, 4, "_SEGMENT_HEAP.VsContext.Config", notes) is ulong config && align.From(config) != 0;
        // Chunks are at least 16 bytes, so a walk longer than this is going round in circles.
        ulong limit = (end - first) / 16 + 1;
        for (ulong n = 0; chunk < end && n < limit; n++)
        {
            var raw = memory.Bytes(chunk, headerSize, "VS chunk header", notes);
            if (raw == null) yield break;
            ulong bits = SegmentHeapEncoding.DecodeVsHeaderBits(BitConverter.ToUInt64(raw, 0), chunk, pool.HeapKey);
            ulong chunkBytes = L.VsUnsafeSize.From(bits) * 16, previous = L.VsUnsafePrevSize.From(bits) * 16;
            bool allocated = L.VsAllocated.From(bits) != 0;
            if (chunkBytes < (ulong)headerSize || chunkBytes > end - chunk || (n > 0 && previous != expectedPrevious))
            {
                notes.Add($"VS chunk header {memory.Pointer(chunk)} decodes to size {chunkBytes:x} and previous size {previous:x} (expected {expectedPrevious:x}, at most {end - chunk:x} left): the header is damaged or nt!RtlpHpHeapGlobals.HeapKey is not the key it was encoded with; the rest of subsegment {memory.Pointer(subsegment)} is not listed");
                yield break;
            }
            if (allocated)
            {
                byte pages = SegmentHeapEncoding.DecodeVsPageOffset(raw[(int)L.VsAllocatedChunkBits], chunk, pool.HeapKey);
                if (pages != (byte)((chunk - subsegment) >> 12))
                {
                    notes.Add($"VS chunk header {memory.Pointer(chunk)} says it is {pages} pages into its subsegment, but it is {(chunk - subsegment) >> 12}: the header is damaged; the rest of subsegment {memory.Pointer(subsegment)} is not listed");
                    yield break;
                }
            }
            ulong start = allocated && pageAlign && ((chunk + 2 * (ulong)headerSize) & 0xfff) == 0 ? 2 * (ulong)headerSize : (ulong)headerSize;
            if (start >= chunkBytes) start = (ulong)headerSize;
            ulong poolHeader = chunk + start;
            uint tag = 0;
            if (allocated && memory.Number(poolHeader + L.PoolHeaderTag, 4, "POOL_HEADER of VS chunk", notes) is ulong t) tag = (uint)t;
            yield return new PoolChunk(poolHeader, chunkBytes - start, 0, tag, allocated, range.Heap.Paged, PoolChunkSource.SegmentHeapVs);
            expectedPrevious = chunkBytes;
            chunk += chunkBytes;
        }
    }
}
