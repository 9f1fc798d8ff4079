namespace Ntdbg.Analyses.Heaps.Nt;

/// <summary>
/// Walks ntdll's classic heap (`_HEAP`): the segment list, each segment's entries from FirstEntry to
/// LastValidEntry skipping its uncommitted ranges, the back end's free list, the VirtualAllocdBlocks
/// list of large blocks, and the `!heap -s` figures. Every offset comes from the symbols
/// (<see cref="NtHeapLayout"/>). Damage ends a segment's walk with a note naming the entry; lists are
/// walked with a loop check and a cap.
/// </summary>
public sealed class NtHeapWalker : IHeapWalker
{
    public const ulong PageSize = 0x1000;
    public const int MaxSegments = 4096;
    public const int MaxListEntries = 4_000_000;
    /// <summary>FrontEndHeapType of the low-fragmentation heap.</summary>
    public const byte LfhFrontEnd = 2;

    private readonly HeapReadContext _context;
    private readonly NtHeapLayout _layout;
    private readonly HeapMemory _memory;
    private readonly NtHeapEntryDecoder _decoder;
    private readonly List<string> _openNotes = [];
    private IReadOnlyList<NtHeapSegment>? _segments;

    private NtHeapWalker(HeapReadContext context, ulong address, NtHeapLayout layout, uint flags, ulong encoding, bool encoded)
    {
        _context = context;
        Address = address;
        _layout = layout;
        Flags = flags;
        _memory = new HeapMemory(context.Memory, context.PointerSize);
        _decoder = new NtHeapEntryDecoder(layout, encoding, encoded);
    }

    public ulong Address { get; }
    public HeapKind Kind => HeapKind.NtHeap;
    public uint Flags { get; }
    public bool EntriesEncoded => _decoder.Encoded;

    /// <summary>A walker when the `_HEAP` at <paramref name="address"/> carries HEAP_SIGNATURE, else null.</summary>
    public static NtHeapWalker? TryOpen(HeapReadContext context, ulong address, NtHeapLayout layout)
    {
        var memory = new HeapMemory(context.Memory, context.PointerSize);
        if (memory.UInt32(address + layout.HeapSignature) != NtHeapLayout.Signature) return null;
        uint flags = memory.UInt32(address + layout.HeapFlags) ?? 0;
        uint mask = memory.UInt32(address + layout.HeapEncodeFlagMask) ?? 0;
        ulong encoding = memory.UInt64(address + layout.HeapEncoding + layout.EntryHeaderOffset) ?? 0;
        return new NtHeapWalker(context, address, layout, flags, encoding, mask != 0);
    }

    /// <summary>The heap's segments (the heap itself is the first), read once.</summary>
    public IReadOnlyList<NtHeapSegment> Segments(List<string> notes)
    {
        if (_segments != null) return _segments;
        var segments = new List<NtHeapSegment>();
        foreach (ulong link in _memory.ListLinks(Address + _layout.HeapSegmentList, MaxSegments, $"heap {Address:x} SegmentList", _openNotes))
        {
            ulong s = link - _layout.SegmentListEntry;
            if (_memory.UInt32(s + _layout.SegmentSignature) is not { } signature) { _openNotes.Add($"heap {Address:x}: segment {s:x} is not in the dump"); continue; }
            if (signature != NtHeapLayout.SegmentSignatureValue) { _openNotes.Add($"heap {Address:x}: segment {s:x} has signature {signature:x8}, not {NtHeapLayout.SegmentSignatureValue:x8}: skipped"); continue; }
            ulong pages = _memory.UInt32(s + _layout.SegmentNumberOfPages) ?? 0;
            ulong uncommitted = _memory.UInt32(s + _layout.SegmentUncommittedPages) ?? 0;
            ulong baseAddress = _memory.Pointer(s + _layout.SegmentBaseAddress) ?? s;
            ulong first = _memory.Pointer(s + _layout.SegmentFirstEntry) ?? 0;
            ulong last = _memory.Pointer(s + _layout.SegmentLastValidEntry) ?? 0;
            ulong reserved = pages * PageSize;
            if (first < baseAddress || last > baseAddress + reserved || first > last)
            {
                _openNotes.Add($"heap {Address:x}: segment {s:x} has FirstEntry {first:x} / LastValidEntry {last:x} outside its {pages} pages from {baseAddress:x}: its entries are not walked");
                first = last = baseAddress;
            }
            var ucrs = new List<NtHeapUncommittedRange>();
            foreach (ulong u in _memory.ListLinks(s + _layout.SegmentUcrList, MaxListEntries, $"segment {s:x} UCRSegmentList", _openNotes))
            {
                ulong d = u - _layout.UcrSegmentEntry;
                if (_memory.Pointer(d + _layout.UcrAddress) is { } a && _memory.Pointer(d + _layout.UcrSize) is { } size && a >= baseAddress && a + size <= baseAddress + reserved)
                    ucrs.Add(new NtHeapUncommittedRange(a, size));
                else _openNotes.Add($"segment {s:x}: uncommitted-range descriptor {d:x} is unreadable or outside the segment: ignored");
            }
            ucrs.Sort((x, y) => x.Address.CompareTo(y.Address));
            segments.Add(new NtHeapSegment(s, baseAddress, reserved, Math.Min(uncommitted, pages) * PageSize, first, last, ucrs));
        }
        _segments = segments;
        return segments;
    }

    private HeapSummary? _summary;

    /// <summary>Computed once: a dump does not change, and !address, !heap and triage leak each ask for it (it walks segments and lists; Wine's walks every block).</summary>
    public HeapSummary Summarize() => _summary ??= ComputeSummary();

    private HeapSummary ComputeSummary()
    {
        var notes = new List<string>();
        var segments = Segments(notes);
        var ranges = segments.Select(s => new HeapRange(s.BaseAddress, s.End, s.CommittedBytes, HeapBlockOrigin.Backend)).ToList();
        var virtualBlocks = VirtualBlocks(notes);
        ranges.AddRange(virtualBlocks.Select(v => new HeapRange(v.Address, v.Address + v.ReserveSize, v.CommitSize, HeapBlockOrigin.LargeVirtual)));
        ulong virtualBytes = (ulong)virtualBlocks.Sum(v => (decimal)v.CommitSize);

        var (freeBytes, freeCount) = FreeList(notes);
        if (_memory.Unsigned(Address + _layout.HeapTotalFreeSize, _layout.HeapTotalFreeSizeBytes) is { } total && freeBytes is { } listed && total * _layout.EntrySize != listed)
            notes.Add($"heap {Address:x}: TotalFreeSize says {total * _layout.EntrySize:x} free bytes, the free list holds {listed:x}");

        uint? contention = _layout.HeapLockCollisions is { } lc ? _memory.UInt32(Address + lc) : null;
        if (_layout.HeapLockCollisions is null) notes.Add("lock contention: this build's _HEAP has no Counters.LockCollisions");
        bool fast = FrontEnd(notes);
        notes.InsertRange(0, _openNotes.Distinct());

        return new HeapSummary(Address, HeapKind.NtHeap, Flags,
            (ulong)ranges.Sum(r => (decimal)r.ReservedBytes), (ulong)ranges.Sum(r => (decimal)r.CommittedBytes), virtualBytes,
            freeBytes, freeCount, segments.Sum(s => s.UncommittedRanges.Count), virtualBlocks.Count, contention, fast, ranges, notes);
    }

    public IEnumerable<HeapBlock> Blocks(List<string> notes)
    {
        foreach (var segment in Segments(notes))
            foreach (var block in SegmentBlocks(segment, notes)) yield return block;
        foreach (var v in VirtualBlocks(notes)) yield return v.Block;
        notes.AddRange(_openNotes.Distinct().Where(n => !notes.Contains(n)));
    }

    /// <summary>The entries of one segment: its header as an internal block, then every entry up to LastValidEntry, hopping over uncommitted ranges.</summary>
    public IEnumerable<HeapBlock> SegmentBlocks(NtHeapSegment segment, List<string> notes)
    {
        if (segment.FirstEntry > segment.BaseAddress)
            yield return new HeapBlock(segment.BaseAddress, segment.BaseAddress + _layout.EntrySize, segment.FirstEntry - segment.BaseAddress, 0, HeapBlockState.Internal, HeapBlockOrigin.Backend);
        ulong at = segment.FirstEntry;
        int nextUcr = 0;
        while (at < segment.LastValidEntry)
        {
            while (nextUcr < segment.UncommittedRanges.Count && segment.UncommittedRanges[nextUcr].End <= at) nextUcr++;
            if (nextUcr < segment.UncommittedRanges.Count && segment.UncommittedRanges[nextUcr].Address <= at)
            {
                at = segment.UncommittedRanges[nextUcr].End;
                continue;
            }
            if (_decoder.Read(_memory, at) is not { } entry)
            {
                notes.Add($"segment {segment.Address:x}: the entry at {at:x} is not in the dump: the rest of the segment is not walked");
                yield break;
            }
            if (!entry.ChecksumOk)
            {
                notes.Add($"segment {segment.Address:x}: the entry at {at:x} fails its checksum (SmallTagIndex): damaged header, the rest of the segment is not walked");
                yield break;
            }
            ulong limit = nextUcr < segment.UncommittedRanges.Count ? segment.UncommittedRanges[nextUcr].Address : segment.LastValidEntry;
            if (entry.BlockSize == 0 || entry.BlockSize > limit - at)
            {
                notes.Add($"segment {segment.Address:x}: the entry at {at:x} claims {entry.BlockSize:x} bytes, past {limit:x}: the rest of the segment is not walked");
                yield break;
            }
            yield return ToBlock(entry, HeapBlockOrigin.Backend);
            at += entry.BlockSize;
        }
    }

    private HeapBlock ToBlock(NtHeapEntry entry, HeapBlockOrigin origin)
    {
        ulong user = entry.Address + _layout.EntrySize;
        if (!entry.IsBusy) return new HeapBlock(entry.Address, user, entry.BlockSize, entry.BlockSize - _layout.EntrySize, HeapBlockState.Free, origin);
        // UnusedBytes counts the header and the tail padding; 0x3F (or a value past the block) marks a count kept elsewhere: report the usable size.
        ulong unused = (ulong)(entry.UnusedBytes & 0x3F);
        ulong requested = unused >= _layout.EntrySize && unused != 0x3F && unused <= entry.BlockSize ? entry.BlockSize - unused : entry.BlockSize - _layout.EntrySize;
        return new HeapBlock(entry.Address, user, entry.BlockSize, requested, HeapBlockState.Busy, origin);
    }

    /// <summary>The large blocks of VirtualAllocdBlocks (their headers are encoded like any entry).</summary>
    public IReadOnlyList<NtHeapVirtualBlock> VirtualBlocks(List<string> notes)
    {
        var blocks = new List<NtHeapVirtualBlock>();
        foreach (ulong link in _memory.ListLinks(Address + _layout.HeapVirtualAllocdBlocks, MaxListEntries, $"heap {Address:x} VirtualAllocdBlocks", notes))
        {
            ulong v = link - _layout.VaEntry;
            ulong? commit = _memory.Pointer(v + _layout.VaCommitSize), reserve = _memory.Pointer(v + _layout.VaReserveSize);
            ulong header = v + _layout.VaBusyBlock;
            if (commit is null || reserve is null || _decoder.Read(_memory, header) is not { } entry)
            {
                notes.Add($"heap {Address:x}: the large block {v:x} is not in the dump");
                continue;
            }
            if (commit > reserve || commit < _layout.VaBusyBlock + _layout.EntrySize)
            {
                notes.Add($"heap {Address:x}: the large block {v:x} has CommitSize {commit:x} and ReserveSize {reserve:x}: ignored");
                continue;
            }
            if (!entry.ChecksumOk) notes.Add($"heap {Address:x}: the large block {v:x}'s header fails its checksum: its requested size is not known");
            // A large block's header keeps the unused tail's length in its Size field.
            ulong usable = commit.Value - _layout.VaBusyBlock - _layout.EntrySize;
            ulong unusedTail = entry.ChecksumOk ? entry.BlockSize / _layout.EntrySize : 0;
            ulong requested = unusedTail <= usable ? usable - unusedTail : usable;
            blocks.Add(new NtHeapVirtualBlock(v, commit.Value, reserve.Value,
                new HeapBlock(header, header + _layout.EntrySize, commit.Value, requested, HeapBlockState.Busy, HeapBlockOrigin.LargeVirtual)));
        }
        return blocks;
    }

    /// <summary>The back end's free list (FreeLists): total free bytes and entry count; null when the list is not readable.</summary>
    public (ulong? Bytes, int? Count) FreeList(List<string> notes)
    {
        ulong head = Address + _layout.HeapFreeLists;
        if (_memory.Pointer(head) is null) { notes.Add($"heap {Address:x}: FreeLists at {head:x} is not in the dump"); return (null, null); }
        ulong bytes = 0;
        int count = 0;
        foreach (ulong link in _memory.ListLinks(head, MaxListEntries, $"heap {Address:x} FreeLists", notes))
        {
            ulong e = link - _layout.FreeEntryFreeList;
            if (_decoder.Read(_memory, e) is not { } entry) { notes.Add($"heap {Address:x}: free entry {e:x} is not in the dump"); continue; }
            if (!entry.ChecksumOk) { notes.Add($"heap {Address:x}: free entry {e:x} fails its checksum: its size is not counted"); continue; }
            if (entry.IsBusy) notes.Add($"heap {Address:x}: entry {e:x} is on the free list but marked busy");
            bytes += entry.BlockSize;
            count++;
        }
        return (bytes, count);
    }

    /// <summary>Whether the LFH front end is active; what of it cannot be read goes to the notes.</summary>
    private bool FrontEnd(List<string> notes)
    {
        if (_layout.HeapFrontEndHeap is not { } feOffset || _layout.HeapFrontEndHeapType is not { } typeOffset) return false;
        ulong frontEnd = _memory.Pointer(Address + feOffset) ?? 0;
        byte type = _memory.UInt8(Address + typeOffset) ?? 0;
        if (frontEnd == 0 || type != LfhFrontEnd) return false;
        string types = _context.FindType("_LFH_HEAP") is null ? "the symbols have no _LFH_HEAP/_HEAP_SUBSEGMENT types, and " : "";
        notes.Add($"heap {Address:x}: the LFH front end at {frontEnd:x} is active; its blocks are listed as the back-end busy blocks that hold its user blocks: "
            + types + "an LFH block's header is encoded with ntdll's per-process RtlpLFHKey, which heap memory does not carry");
        return true;
    }
}
