using Ntdbg.Synth.Kernel;

namespace Ntdbg.Synth.Heaps;

/// <summary>
/// Writes an NT heap (`_HEAP`) laid out from one build's ISF types — the kernel's tables carry the same
/// Rtl heap as ntdll — with entry encoding on: three segments (the heap itself first) with uncommitted
/// ranges between and after committed runs, busy and free blocks (the free ones on FreeLists), three
/// large blocks on VirtualAllocdBlocks, Counters.LockCollisions, and optionally an LFH front end.
/// Each header's 8-byte compact part is written with its SmallTagIndex checksum, then XOR-ed with the
/// heap's Encoding, exactly as ntdll stores it. Blocks come from a seeded random generator.
/// </summary>
public sealed class NtHeapWriter(IsfLayout isf, int seed = 1)
{
    public const uint HeapSignature = 0xEEFFEEFF, SegmentSignature = 0xFFEEFFEE, EncodeFlagMask = 0x00100000, HeapGrowable = 0x2;
    public const ulong Page = SparsePages.PageSize;

    /// <summary>A segment to write: its reserved pages and which page runs are committed (the rest are UCRs).</summary>
    public sealed record SegmentPlan(ulong Base, ulong Pages, (ulong First, ulong End)[] Committed);

    public static readonly SegmentPlan[] DefaultSegments =
    [
        new(0x250_0000_0000, 64, [(0, 16), (24, 32)]),
        new(0x250_1000_0000, 32, [(0, 8)]),
        new(0x250_2000_0000, 16, [(0, 16)]),
    ];

    public static readonly (ulong Commit, ulong Reserve)[] DefaultLargeBlocks = [(0x41000, 0x50000), (0x100000, 0x100000), (0x21000, 0x30000)];

    /// <summary>Whether FrontEndHeapType says LFH (2) with a front-end pointer.</summary>
    public bool Lfh { get; init; }

    /// <summary>The largest block the back end writes, in granules (more granules → fewer blocks).</summary>
    public int MaxBlockUnits { get; init; } = 40;

    private readonly Random _random = new(seed);
    private ulong Gran => isf.SizeOf("_HEAP_ENTRY");
    private ulong HeaderAt => isf.OffsetOf("_HEAP_ENTRY", "Size");

    public SyntheticHeap Write(IReadOnlyList<SegmentPlan>? plans = null, IReadOnlyList<(ulong Commit, ulong Reserve)>? largeBlocks = null)
    {
        plans ??= DefaultSegments;
        largeBlocks ??= DefaultLargeBlocks;
        var pages = new SparsePages();
        ulong heap = plans[0].Base;
        var keyBytes = new byte[8];
        _random.NextBytes(keyBytes);
        ulong key = BitConverter.ToUInt64(keyBytes);
        var blocks = new List<SyntheticHeapBlock>();
        var freeLinks = new List<(ulong Link, ulong Size)>();
        var ucrs = new List<(int Segment, ulong Address, ulong Size)>();
        for (int s = 0; s < plans.Count; s++)
        {
            var p = plans[s];
            ulong at = 0;
            foreach (var (first, end) in p.Committed.Append((p.Pages, p.Pages)))
            {
                if (first > at) ucrs.Add((s, p.Base + at * Page, (first - at) * Page));
                at = end;
            }
        }
        ulong ucrSize = isf.SizeOf("_HEAP_UCR_DESCRIPTOR");
        ulong ucrArea = Align(heap + isf.SizeOf("_HEAP"), 16);

        ulong reserved = 0, committed = 0, freeBytes = 0;
        var segmentLinks = new List<ulong>();
        for (int s = 0; s < plans.Count; s++)
        {
            var p = plans[s];
            foreach (var (first, end) in p.Committed) pages.Commit(p.Base + first * Page, p.Base + end * Page);
            ulong header = s == 0 ? Align(ucrArea + (ulong)ucrs.Count * ucrSize, Gran) : Align(p.Base + isf.SizeOf("_HEAP_SEGMENT"), Gran);
            WriteSegmentHeader(pages, heap, s, p, header, key);
            segmentLinks.Add(p.Base + isf.OffsetOf("_HEAP_SEGMENT", "SegmentListEntry"));
            blocks.Add(new SyntheticHeapBlock(p.Base, p.Base + Gran, header - p.Base, 0, SyntheticBlockState.Internal, SyntheticBlockOrigin.Backend));
            foreach (var (first, end) in p.Committed)
            {
                ulong start = Math.Max(p.Base + first * Page, header), stop = p.Base + end * Page;
                FillRun(pages, key, s, start, stop, blocks, freeLinks, ref freeBytes);
            }
            reserved += p.Pages * Page;
            committed += (ulong)p.Committed.Sum(c => (long)(c.End - c.First)) * Page;
            // This segment's UCR descriptors (they live in the heap's header area) on its UCRSegmentList.
            var segmentUcrLinks = new List<ulong>();
            for (int u = 0; u < ucrs.Count; u++)
            {
                if (ucrs[u].Segment != s) continue;
                ulong d = ucrArea + (ulong)u * ucrSize;
                pages.WriteUInt64(d + isf.OffsetOf("_HEAP_UCR_DESCRIPTOR", "Address"), ucrs[u].Address);
                pages.WriteUInt64(d + isf.OffsetOf("_HEAP_UCR_DESCRIPTOR", "Size"), ucrs[u].Size);
                segmentUcrLinks.Add(d + isf.OffsetOf("_HEAP_UCR_DESCRIPTOR", "SegmentEntry"));
            }
            pages.LinkList(p.Base + isf.OffsetOf("_HEAP_SEGMENT", "UCRSegmentList"), segmentUcrLinks);
            pages.WriteUInt32(p.Base + isf.OffsetOf("_HEAP_SEGMENT", "NumberOfUnCommittedRanges"), (uint)segmentUcrLinks.Count);
        }
        pages.LinkList(heap + isf.OffsetOf("_HEAP", "UCRList"), [.. Enumerable.Range(0, ucrs.Count).Select(u => ucrArea + (ulong)u * ucrSize + isf.OffsetOf("_HEAP_UCR_DESCRIPTOR", "ListEntry"))]);
        pages.LinkList(heap + isf.OffsetOf("_HEAP", "SegmentList"), segmentLinks);

        // The free list is kept in size order, as the back end keeps it.
        var orderedFree = freeLinks.OrderBy(f => f.Size).ThenBy(f => f.Link).Select(f => f.Link).ToList();
        pages.LinkList(heap + isf.OffsetOf("_HEAP", "FreeLists"), orderedFree);

        ulong virtualBytes = 0;
        var vaLinks = new List<ulong>();
        for (int i = 0; i < largeBlocks.Count; i++)
        {
            var (commit, reserve) = largeBlocks[i];
            ulong v = 0x250_3000_0000 + (ulong)i * 0x100_0000;
            pages.Commit(v, v + Page);
            pages.WriteUInt64(v + isf.OffsetOf("_HEAP_VIRTUAL_ALLOC_ENTRY", "CommitSize"), commit);
            pages.WriteUInt64(v + isf.OffsetOf("_HEAP_VIRTUAL_ALLOC_ENTRY", "ReserveSize"), reserve);
            ulong busy = v + isf.OffsetOf("_HEAP_VIRTUAL_ALLOC_ENTRY", "BusyBlock");
            ulong unused = (ulong)_random.Next(0, 0x1000);
            WriteEntry(pages, key, busy, (ushort)unused, 0x09, 0, 0, 0);
            blocks.Add(new SyntheticHeapBlock(busy, busy + Gran, commit, commit - (busy - v) - Gran - unused, SyntheticBlockState.Busy, SyntheticBlockOrigin.LargeVirtual));
            vaLinks.Add(v + isf.OffsetOf("_HEAP_VIRTUAL_ALLOC_ENTRY", "Entry"));
            reserved += reserve;
            committed += commit;
            virtualBytes += commit;
        }
        pages.LinkList(heap + isf.OffsetOf("_HEAP", "VirtualAllocdBlocks"), vaLinks);

        uint collisions = (uint)(5 + seed);
        pages.WriteUInt32(heap + isf.OffsetOf("_HEAP", "Signature"), HeapSignature);
        pages.WriteUInt32(heap + isf.OffsetOf("_HEAP", "Flags"), HeapGrowable);
        pages.WriteUInt32(heap + isf.OffsetOf("_HEAP", "EncodeFlagMask"), EncodeFlagMask);
        pages.WriteUInt64(heap + isf.OffsetOf("_HEAP", "Encoding") + HeaderAt, key);
        pages.WriteUInt64(heap + isf.OffsetOf("_HEAP", "TotalFreeSize"), freeBytes / Gran);
        pages.WriteUInt32(heap + isf.OffsetOf("_HEAP", "Counters") + isf.OffsetOf("_HEAP_COUNTERS", "LockCollisions"), collisions);
        if (Lfh)
        {
            pages.WriteUInt64(heap + isf.OffsetOf("_HEAP", "FrontEndHeap"), heap + 0x10_0000);
            pages.WriteByte(heap + isf.OffsetOf("_HEAP", "FrontEndHeapType"), 2);
        }
        return new SyntheticHeap(heap, pages, blocks, reserved, committed, virtualBytes, freeBytes, freeLinks.Count, ucrs.Count, largeBlocks.Count,
            collisions, HeapGrowable, [.. plans.Select(p => p.Base)], orderedFree);
    }

    private void WriteSegmentHeader(SparsePages pages, ulong heap, int index, SegmentPlan p, ulong firstEntry, ulong key)
    {
        string t = "_HEAP_SEGMENT";
        WriteEntry(pages, key, p.Base, (ushort)((firstEntry - p.Base) / Gran), 0x01, 0, (byte)index, 0);
        pages.WriteUInt32(p.Base + isf.OffsetOf(t, "SegmentSignature"), SegmentSignature);
        pages.WriteUInt64(p.Base + isf.OffsetOf(t, "Heap"), heap);
        pages.WriteUInt64(p.Base + isf.OffsetOf(t, "BaseAddress"), p.Base);
        pages.WriteUInt32(p.Base + isf.OffsetOf(t, "NumberOfPages"), (uint)p.Pages);
        pages.WriteUInt64(p.Base + isf.OffsetOf(t, "FirstEntry"), firstEntry);
        pages.WriteUInt64(p.Base + isf.OffsetOf(t, "LastValidEntry"), p.Base + p.Pages * Page);
        ulong committedPages = (ulong)p.Committed.Sum(c => (long)(c.End - c.First));
        pages.WriteUInt32(p.Base + isf.OffsetOf(t, "NumberOfUnCommittedPages"), (uint)(p.Pages - committedPages));
    }

    /// <summary>Fills [start, stop) with back-end blocks: random sizes, one in five free; the last block takes what is left.</summary>
    private void FillRun(SparsePages pages, ulong key, int segment, ulong start, ulong stop, List<SyntheticHeapBlock> blocks, List<(ulong, ulong)> freeLinks, ref ulong freeBytes)
    {
        ulong at = start, previous = 0;
        while (at < stop)
        {
            ulong remaining = (stop - at) / Gran;
            ulong units = (ulong)_random.Next(2, MaxBlockUnits + 1);
            if (remaining - Math.Min(units, remaining) < 2 || units > remaining) units = remaining;
            units = Math.Min(units, 0xFFFF);
            bool last = at + units * Gran >= stop;
            bool free = _random.Next(5) == 0;
            ulong size = units * Gran;
            if (free)
            {
                WriteEntry(pages, key, at, (ushort)units, (byte)(last ? 0x10 : 0), (ushort)previous, (byte)segment, 0);
                freeLinks.Add((at + isf.OffsetOf("_HEAP_FREE_ENTRY", "FreeList"), size));
                freeBytes += size;
                blocks.Add(new SyntheticHeapBlock(at, at + Gran, size, size - Gran, SyntheticBlockState.Free, SyntheticBlockOrigin.Backend));
            }
            else
            {
                byte unused = (byte)(Gran + (ulong)_random.Next(0, (int)Gran));
                WriteEntry(pages, key, at, (ushort)units, (byte)(0x01 | (last ? 0x10 : 0)), (ushort)previous, (byte)segment, unused);
                blocks.Add(new SyntheticHeapBlock(at, at + Gran, size, size - unused, SyntheticBlockState.Busy, SyntheticBlockOrigin.Backend));
            }
            previous = units;
            at += size;
        }
    }

    /// <summary>One `_HEAP_ENTRY`: the compact part at the type's offsets, SmallTagIndex = Size.lo ^ Size.hi ^ Flags, then XOR-ed with the key.</summary>
    private void WriteEntry(SparsePages pages, ulong key, ulong entry, ushort size, byte flags, ushort previous, byte segmentOffset, byte unused)
    {
        string t = "_HEAP_ENTRY";
        int Rel(string field) => (int)(isf.OffsetOf(t, field) - HeaderAt) * 8;
        byte check = (byte)(size ^ (size >> 8) ^ flags);
        ulong compact = size | (ulong)flags << Rel("Flags") | (ulong)check << Rel("SmallTagIndex") | (ulong)previous << Rel("PreviousSize")
            | (ulong)segmentOffset << Rel("SegmentOffset") | (ulong)unused << Rel("UnusedBytes");
        pages.WriteUInt64(entry + HeaderAt, compact ^ key);
    }

    private static ulong Align(ulong value, ulong to) => (value + to - 1) / to * to;
}
