using System.Buffers.Binary;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes the 19H1+ kernel pool the way the segment heap keeps it: nt!ExPoolState.PoolNode[0].Heaps
/// (nonpaged, nonpaged NX, paged) pointing at _SEGMENT_HEAPs, whose first _HEAP_SEG_CONTEXT lists one
/// 1 MB segment each; in the segments, page-range descriptors for a VS subsegment, an LFH subsegment
/// and a big (user) range, with POOL_HEADER'd chunks inside. Every encoded value is encoded as the
/// kernel does (docs/kernel-pool.md), with random non-zero keys in nt!RtlpHpHeapGlobals, and every
/// offset and bit position comes from the build's ISF table. The formulas are written out here on
/// purpose rather than taken from ntdbg, so the walker is checked against an independent encoder.
/// </summary>
public static class SegmentHeapPoolWriter
{
    private const ulong HeapObjects = 0xffffc08e10000000; // its own range, clear of the pool tracker table and processor blocks
    private const ulong NonPagedNxSegment = 0xffffc08e20000000, PagedSegment = 0xffffc08e40000000;
    private const ulong SegmentSize = 0x100000, PageSize = 0x1000;
    private const ulong SignatureConstant = 0xA2E64EADA2E64EAD;
    private const ushort VsSignatureConstant = 0x2BED;
    private const byte Allocated = 1, First = 2;
    private const ulong FirstDescriptor = 2; // the 0x2000-byte segment header covers units 0 and 1

    /// <summary>A VS chunk to write; PageAligned puts its POOL_HEADER on the next page boundary (a free chunk pads up to it).</summary>
    private sealed record VsPlan(string Tag, ulong DataBytes, bool Allocated, bool PageAligned = false);

    // Varied sizes, two free chunks between allocated ones, one chunk across the first page boundary.
    private static readonly VsPlan[] NonPagedVs =
    [
        new("Irp ", 0x90, true), new("File", 0x140, true), new("", 0x60, false), new("Ntfx", 0x3a0, true),
        new("Leak", 0x200, true), new("Thre", 0x5a0, true), new("", 0x130, false), new("Leak", 0x700, true), new("Even", 0x30, true),
        new("Algn", 0x400, true, PageAligned: true),
    ];

    private static readonly VsPlan[] PagedVs = [new("CM31", 0x100, true), new("MmSt", 0x230, true), new("Leak", 0x50, true)];

    public static bool Applies(IsfLayout layout) =>
        layout.HasSymbol("ExPoolState") && layout.HasSymbol("RtlpHpHeapGlobals") && !layout.HasSymbol("PoolVector") && !layout.HasSymbol("ExpNonPagedPoolDescriptor")
        && layout.HasType("_SEGMENT_HEAP") && layout.HasType("_HEAP_VS_SUBSEGMENT") && layout.HasType("_HEAP_LFH_SUBSEGMENT");

    public static void Write(KernelScenario s)
    {
        var pool = s.SegmentHeapPool;
        if (!pool.Enabled || !Applies(s.Layout)) return;
        var rng = new Random(s.Build * 7919);
        if (pool.HeapKey == 0) pool.HeapKey = (ulong)rng.NextInt64() | 0x8000_0000_0000_0001;
        if (pool.LfhKey == 0) pool.LfhKey = (ulong)rng.NextInt64() | 0x4000_0000_0000_0101;
        var writer = new Writer(s, pool);
        writer.Run();
    }

    private sealed class Writer(KernelScenario s, SyntheticSegmentHeapPool pool)
    {
        private readonly KernelVariableWriter _w = new(s, HeapObjects);
        private IsfLayout L => s.Layout;

        public void Run()
        {
            ulong heapKey = pool.HeapKey, lfhKey = pool.LfhKey;
            _w.WriteVariable("RtlpHpHeapGlobals", "_RTLP_HP_HEAP_GLOBALS", "HeapKey", (pool.Damage & SegmentHeapDamage.WrongHeapKey) != 0 ? heapKey ^ 0x0000_1000_0010_0000 : heapKey);
            _w.WriteVariable("RtlpHpHeapGlobals", "_RTLP_HP_HEAP_GLOBALS", "LfhKey", (pool.Damage & SegmentHeapDamage.WrongLfhKey) != 0 ? lfhKey ^ 0x1000_1000 : lfhKey);
            _w.WriteVariable("ExPoolState", "_EX_POOL_HEAP_MANAGER_STATE", "NumberOfPools", 1);

            ulong nonPaged = Heap(0), nonPagedNx = Heap(1), paged = Heap(2);
            EmptySegmentList(Context(nonPaged, 0));

            // Nonpaged NX: VS subsegment in units 2-5, LFH subsegment in unit 6, a 2-unit big allocation in units 8-9.
            var nx = new Segment(NonPagedNxSegment, Context(nonPagedNx, 0));
            ulong vs = nx.Range(2, 4, L.EnumValue("_HEAP_SEG_RANGE_TYPE", "HeapSegRangeVS"));
            ulong lfh = nx.Range(6, 1, L.EnumValue("_HEAP_SEG_RANGE_TYPE", "HeapSegRangeLFH"));
            ulong large = nx.Range(8, 2, L.EnumValue("_HEAP_SEG_RANGE_TYPE", "HeapSegRangeUser"));
            int firstVsChunk = pool.Chunks.Count;
            var vsBytes = VsSubsegment(vs, 4 * PageSize, NonPagedVs, paged: false);
            if ((pool.Damage & SegmentHeapDamage.CorruptVsChunk) != 0)
            {
                // The fourth chunk's encoded sizes are overwritten, as a buffer overrun from the third would.
                ulong header = pool.Chunks[firstVsChunk + 3].Address - L.SizeOf("_HEAP_VS_CHUNK_HEADER");
                BinaryPrimitives.WriteUInt64LittleEndian(vsBytes.AsSpan((int)(header - vs)), 0x4141414141414141);
                pool.CorruptedChunkHeader = header;
            }
            CopyPages(vs, vsBytes, (pool.Damage & SegmentHeapDamage.MissingVsPage) != 0 ? vs + PageSize : null);
            CopyPages(lfh, LfhSubsegment(lfh, paged: false), null);
            CopyPages(large, new byte[PageSize], null);
            Finish(nx);

            var pagedSegment = new Segment(PagedSegment, Context(paged, 0));
            ulong pagedVs = pagedSegment.Range(2, 2, L.EnumValue("_HEAP_SEG_RANGE_TYPE", "HeapSegRangeVS"));
            CopyPages(pagedVs, VsSubsegment(pagedVs, 2 * PageSize, PagedVs, paged: true), null);
            Finish(pagedSegment);

            foreach (ulong heap in new[] { nonPaged, nonPagedNx, paged }) EmptySegmentList(Context(heap, 1));
            pool.VsPage = vs + PageSize;
            pool.LfhPage = lfh;
            pool.PagedVsPage = pagedVs;
            pool.LargeRangePage = large;
        }

        /// <summary>A _SEGMENT_HEAP for ExPoolState.PoolNode[0].Heaps[type], its two segment contexts set up as the kernel's are (1 MB / 4 KB units, 16 MB / 64 KB units).</summary>
        private ulong Heap(int type)
        {
            ulong heap = _w.Allocate(L.SizeOf("_SEGMENT_HEAP"));
            ulong slot = _w.Symbol("ExPoolState")!.Value + L.OffsetOf("_EX_POOL_HEAP_MANAGER_STATE", "PoolNode") + L.OffsetOf("_EX_HEAP_POOL_NODE", "Heaps") + (ulong)type * 8;
            _w.Write(slot, heap, 8);
            _w.WriteField(heap, "_SEGMENT_HEAP", "Signature", 0xddeeddee);
            // The VS context's configuration: PageAlignLargeAllocs, as the kernel's pool heaps run.
            _w.Write(heap + L.OffsetOf("_SEGMENT_HEAP", "VsContext") + L.OffsetOf("_HEAP_VS_CONTEXT", "Config"), 1UL << L.BitPosition("_RTL_HP_VS_CONFIG", "Flags.PageAlignLargeAllocs"), 4);
            for (int i = 0; i < 2; i++)
            {
                ulong context = Context(heap, i);
                _w.WriteField(context, "_HEAP_SEG_CONTEXT", "SegmentMask", i == 0 ? ~(SegmentSize - 1) : ~(16 * SegmentSize - 1));
                _w.WriteField(context, "_HEAP_SEG_CONTEXT", "UnitShift", i == 0 ? 12UL : 16UL);
                _w.WriteField(context, "_HEAP_SEG_CONTEXT", "PagesPerUnitShift", i == 0 ? 0UL : 4UL);
                _w.WriteField(context, "_HEAP_SEG_CONTEXT", "FirstDescriptorIndex", i == 0 ? FirstDescriptor : 1);
                _w.WriteField(context, "_HEAP_SEG_CONTEXT", "Heap", heap);
            }
            return heap;
        }

        private ulong Context(ulong heap, int index) => heap + L.OffsetOf("_SEGMENT_HEAP", "SegContexts") + (ulong)index * L.SizeOf("_HEAP_SEG_CONTEXT");

        private void EmptySegmentList(ulong context)
        {
            ulong head = context + L.OffsetOf("_HEAP_SEG_CONTEXT", "SegmentListHead");
            _w.Write(head, head, 8);
            _w.Write(head + 8, head, 8);
            _w.WriteField(context, "_HEAP_SEG_CONTEXT", "SegmentCount", 0);
        }

        /// <summary>A segment's header page(s): list links, signature, and the page-range descriptors its ranges set.</summary>
        private sealed class Segment(ulong address, ulong context)
        {
            private readonly List<(ulong Unit, ulong Units, long Type)> _ranges = [];
            public ulong Address => address;
            public ulong Context => context;

            public ulong Range(ulong unit, ulong units, long type)
            {
                _ranges.Add((unit, units, type));
                return address + unit * PageSize;
            }

            public IReadOnlyList<(ulong Unit, ulong Units, long Type)> Ranges => _ranges;
        }

        private void Finish(Segment segment)
        {
            var header = new byte[L.SizeOf("_HEAP_PAGE_SEGMENT")];
            ulong descriptorSize = L.SizeOf("_HEAP_PAGE_RANGE_DESCRIPTOR"), array = L.OffsetOf("_HEAP_PAGE_SEGMENT", "DescArray");
            ulong flags = L.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "RangeFlags"), unitSize = L.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitSize");
            ulong unitOffset = L.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitOffset"), committed = L.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "CommittedPageCount");
            foreach (var (unit, units, type) in segment.Ranges)
            {
                for (ulong i = 0; i < units; i++)
                {
                    ulong d = array + (unit + i) * descriptorSize;
                    header[d + flags] = i == 0 ? (byte)(Allocated | First | (byte)(type << 2)) : Allocated;
                    if (i == 0)
                    {
                        header[d + unitSize] = (byte)units;
                        header[d + committed] = (byte)units;
                    }
                    else
                    {
                        header[d + unitOffset] = (byte)i;
                    }
                }
            }
            // The header's own fields overlay the first descriptors (FirstDescriptorIndex skips them): links, then the signature.
            ulong head = segment.Context + L.OffsetOf("_HEAP_SEG_CONTEXT", "SegmentListHead");
            ulong listEntry = L.OffsetOf("_HEAP_PAGE_SEGMENT", "ListEntry");
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan((int)listEntry), head);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan((int)listEntry + 8), head);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan((int)L.OffsetOf("_HEAP_PAGE_SEGMENT", "Signature")),
                segment.Address ^ segment.Context ^ pool.HeapKey ^ SignatureConstant);
            CopyPages(segment.Address, header, null);
            _w.Write(head, segment.Address + listEntry, 8);
            _w.Write(head + 8, segment.Address + listEntry, 8);
            _w.WriteField(segment.Context, "_HEAP_SEG_CONTEXT", "SegmentCount", 1);
        }

        /// <summary>A VS subsegment of <paramref name="length"/> bytes: its header, the planned chunks, and one free chunk for the rest.</summary>
        private byte[] VsSubsegment(ulong subsegment, ulong length, VsPlan[] plan, bool paged)
        {
            var bytes = new byte[length];
            ulong headerSize = L.SizeOf("_HEAP_VS_SUBSEGMENT"), first = (headerSize + 15) & ~15UL;
            ushort size = (ushort)((length - first) / 16);
            PutBits(bytes, 0, "_HEAP_VS_SUBSEGMENT", "Size", size);
            PutBits(bytes, 0, "_HEAP_VS_SUBSEGMENT", "Signature", (ushort)((size ^ VsSignatureConstant) & 0x7fff));
            PutBits(bytes, 0, "_HEAP_VS_SUBSEGMENT", "FullCommit", 1);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)L.OffsetOf("_HEAP_VS_SUBSEGMENT", "CommitBitmap")), (1UL << (int)(length / PageSize)) - 1);
            ulong vsHeader = L.SizeOf("_HEAP_VS_CHUNK_HEADER"), poolHeader = L.SizeOf("_POOL_HEADER");
            ulong offset = first, previous = 0;
            // With PageAlignLargeAllocs (set on every pool heap here), an allocation starting on a page boundary has
            // its VS header 32 bytes before it: the chunk starts 0x20 below the page, padded by a free chunk before it.
            var chunks = new List<(string Tag, ulong Size, bool Allocated, ulong Start)>();
            ulong at = first;
            foreach (var p in plan)
            {
                if (p.PageAligned)
                {
                    ulong target = ((at + 2 * vsHeader + PageSize - 1) & ~(PageSize - 1)) - 2 * vsHeader;
                    if (target - at < 2 * vsHeader) target += PageSize;
                    chunks.Add(("", target - at, false, vsHeader));
                    at = target;
                }
                ulong start = p.PageAligned ? 2 * vsHeader : vsHeader;
                ulong bytesNeeded = (start + poolHeader + p.DataBytes + 15) & ~15UL;
                chunks.Add((p.Tag, bytesNeeded, p.Allocated, start));
                at += bytesNeeded;
            }
            chunks.Add(("", length - at, false, vsHeader));
            foreach (var (tag, chunkSize, allocated, start) in chunks)
            {
                ulong chunk = subsegment + offset;
                ulong sizes = Bits("_HEAP_VS_CHUNK_HEADER_SIZE", "UnsafeSize", chunkSize / 16) | Bits("_HEAP_VS_CHUNK_HEADER_SIZE", "UnsafePrevSize", previous / 16)
                    | Bits("_HEAP_VS_CHUNK_HEADER_SIZE", "Allocated", allocated ? 1UL : 0) | Bits("_HEAP_VS_CHUNK_HEADER_SIZE", "MemoryCost", allocated ? 0UL : (chunkSize + PageSize - 1) / PageSize);
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)offset), sizes ^ chunk ^ pool.HeapKey);
                if (allocated)
                {
                    // The page offset back to the subsegment, encoded in the low byte with the header address and the heap key.
                    ulong pages = (chunk - subsegment) >> 12;
                    PutBits(bytes, offset, "_HEAP_VS_CHUNK_HEADER", "EncodedSegmentPageOffset", (byte)(pages ^ chunk ^ pool.HeapKey));
                    PoolHeader(bytes, offset + start, tag, (chunkSize - start) / 16, paged);
                }
                pool.Chunks.Add(new SyntheticPoolChunk(chunk + start, chunkSize - start, allocated ? tag : "", allocated, paged, Lfh: false));
                previous = chunkSize;
                offset += chunkSize;
            }
            return bytes;
        }

        /// <summary>A one-page LFH subsegment of 0x60-byte blocks: two of every three allocated, free ones keeping a stale header.</summary>
        private byte[] LfhSubsegment(ulong subsegment, bool paged)
        {
            var bytes = new byte[PageSize];
            const ulong blockSize = 0x60, firstBlock = 0x40;
            ulong count = (PageSize - firstBlock) / blockSize;
            string[] tags = ["Leak", "Even", "Irp "];
            ulong bitmap = L.OffsetOf("_HEAP_LFH_SUBSEGMENT", "BlockBitmap");
            if (bitmap + (count * 2 + 7) / 8 > firstBlock) throw new InvalidOperationException("the LFH bitmap overlaps the first block");
            uint offsets = (uint)(blockSize | firstBlock << 16);
            PutBits(bytes, 0, "_HEAP_LFH_SUBSEGMENT", "BlockCount", count);
            int free = 0;
            for (ulong i = 0; i < count; i++)
            {
                bool allocated = i % 3 != 2;
                if (allocated) bytes[bitmap + i / 4] |= (byte)(1 << (int)(i % 4 * 2));
                if (allocated && i % 2 == 0) bytes[bitmap + i / 4] |= (byte)(2 << (int)(i % 4 * 2)); // "unused bytes" bit: the reader must ignore it
                else if (!allocated) free++;
                string tag = allocated ? tags[i % 3] : "Frag";
                ulong block = firstBlock + i * blockSize;
                PoolHeader(bytes, block, tag, blockSize / 16, paged);
                pool.Chunks.Add(new SyntheticPoolChunk(subsegment + block, blockSize, tag, allocated, paged, Lfh: true));
            }
            PutBits(bytes, 0, "_HEAP_LFH_SUBSEGMENT", "FreeCount", (ulong)free);
            uint encoded = offsets ^ (uint)pool.LfhKey ^ ((uint)subsegment >> 12);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)L.OffsetOf("_HEAP_LFH_SUBSEGMENT", "BlockOffsets")), encoded);
            return bytes;
        }

        /// <summary>A POOL_HEADER: BlockSize in 16-byte units (0 when it does not fit the 8 bits), PoolType as the classic pool kept it (base type + 1), the tag.</summary>
        private void PoolHeader(byte[] bytes, ulong at, string tag, ulong blocks, bool paged)
        {
            PutBits(bytes, at, "_POOL_HEADER", "BlockSize", blocks <= 0xff ? blocks : 0);
            PutBits(bytes, at, "_POOL_HEADER", "PoolType", paged ? 2UL : 1UL);
            PutBits(bytes, at, "_POOL_HEADER", "PoolTag", BitConverter.ToUInt32(System.Text.Encoding.ASCII.GetBytes(tag.PadRight(4)[..4])));
        }

        /// <summary>A field's value moved to its place in an integer read from the structure's start.</summary>
        private ulong Bits(string type, string field, ulong value) => value << (int)(L.OffsetOf(type, field) * 8 + (ulong)BitPosition(type, field));

        private int BitPosition(string type, string field)
        {
            try
            {
                return L.BitPosition(type, field);
            }
            catch (KeyNotFoundException)
            {
                return 0; // not a bitfield
            }
        }

        /// <summary>ORs a (bit)field's value into a structure inside a buffer, at the field's ISF offset, bit position and width.</summary>
        private void PutBits(byte[] bytes, ulong structure, string type, string field, ulong value)
        {
            int at = (int)(structure + L.OffsetOf(type, field)), width = L.FieldSize(type, field);
            var span = bytes.AsSpan(at, width);
            Span<byte> wide = stackalloc byte[8];
            wide.Clear();
            span.CopyTo(wide);
            ulong unit = BitConverter.ToUInt64(wide) | (value << BitPosition(type, field));
            BitConverter.GetBytes(unit).AsSpan(0, width).CopyTo(span);
        }

        /// <summary>Maps and fills the pages of a buffer, leaving out one page when asked (a page missing from the dump).</summary>
        private void CopyPages(ulong va, byte[] bytes, ulong? missingPage)
        {
            for (ulong page = 0; page < (ulong)bytes.Length; page += PageSize)
            {
                if (va + page == missingPage) continue;
                s.Tables.EnsureMapped(va + page, 1);
                s.Tables.WriteVirtual(va + page, bytes.AsSpan((int)page, (int)Math.Min(PageSize, (ulong)bytes.Length - page)));
            }
        }
    }
}
