namespace Ntdbg.Analyses.Heaps.Wine;

/// <summary>
/// Walks one Wine 8.0 heap: its subheaps (the first one inside the heap header, later ones at their own
/// 64 KiB-aligned reservations, each with a committed prefix and an uncommitted tail), the blocks of each
/// subheap in address order (8-byte headers, sizes in alignment units), the large blocks (one virtual
/// allocation each, on their own list) and the free lists (one ring through every bucket head). Wine
/// 8.0 has no low-fragmentation front end. Every list is bounded and checked for cycles; a header that
/// is missing or makes no sense ends that subheap's walk with a note.
/// </summary>
public sealed class WineHeapWalker : IHeapWalker, ILinkedHeaps
{
    public const int MaxSubheaps = 4096;
    public const int MaxLargeBlocks = 1 << 16;
    public const int MaxFreeListEntries = 1 << 22;

    private readonly WineHeapLayout _layout;
    private readonly WineMemory _memory;
    private readonly ulong _maxReservation;

    public WineHeapWalker(HeapReadContext context, ulong address)
    {
        Address = address;
        _layout = WineHeapLayout.For(context.PointerSize);
        _memory = new WineMemory(context);
        _maxReservation = context.PointerSize == 8 ? 1UL << 40 : 1UL << 32;
    }

    public ulong Address { get; }
    public HeapKind Kind => HeapKind.WineHeap;

    /// <summary>One subheap: its region base, first block, end of the committed part and end of the reservation.</summary>
    private sealed record Subheap(ulong Header, ulong Base, ulong FirstBlock, ulong CommitEnd, ulong End);

    private sealed record LargeBlock(ulong Arena, ulong DataSize, ulong BlockSize);

    private HeapSummary? _summary;

    /// <summary>Computed once: a dump does not change, and !address, !heap and triage leak each ask for it (it walks segments and lists; Wine's walks every block).</summary>
    public HeapSummary Summarize() => _summary ??= ComputeSummary();

    private HeapSummary ComputeSummary()
    {
        var notes = new List<string>();
        uint flags = _memory.UInt32(Address + _layout.FlagsOffset) ?? 0;
        var subheaps = Subheaps(notes);
        var larges = LargeBlocks(notes);
        var ranges = new List<HeapRange>();
        ranges.AddRange(subheaps.Select(s => new HeapRange(s.Base, s.End, s.CommitEnd - s.Base, HeapBlockOrigin.Backend)));
        ranges.AddRange(larges.Select(l => new HeapRange(l.Arena, l.Arena + l.BlockSize, l.BlockSize, HeapBlockOrigin.LargeVirtual)));
        ulong free = 0;
        foreach (var block in WalkSubheaps(subheaps, notes))
            if (block.State == HeapBlockState.Free) free += block.BlockSize;
        ulong reserved = (ulong)ranges.Sum(r => (decimal)r.ReservedBytes);
        ulong committed = (ulong)ranges.Sum(r => (decimal)r.CommittedBytes);
        return new HeapSummary(Address, HeapKind.WineHeap, flags, reserved, committed,
            // WinDbg's Virt column equals Reserv for every heap in the seed's !heap -s; Wine keeps no separate figure.
            VirtualBytes: reserved,
            FreeBytes: free,
            FreeListLength: FreeListLength(notes),
            UncommittedRanges: subheaps.Count(s => s.CommitEnd < s.End),
            VirtualBlocks: larges.Count,
            LockContention: LockContention(notes),
            FastHeap: false,
            ranges, notes);
    }

    public IEnumerable<HeapBlock> Blocks(List<string> notes)
    {
        foreach (var block in WalkSubheaps(Subheaps(notes), notes)) yield return block;
        foreach (var large in LargeBlocks(notes))
        {
            ulong entry = large.Arena + _layout.ArenaSize - WineHeapLayout.BlockHeaderSize;
            yield return new HeapBlock(entry, large.Arena + _layout.ArenaSize, large.BlockSize, large.DataSize,
                HeapBlockState.Busy, HeapBlockOrigin.LargeVirtual);
        }
    }

    public IReadOnlyList<ulong> LinkedHeaps(List<string> notes)
    {
        // The ring of LIST_ENTRYs at EntryOffset: forward first; if a link is not in the dump (heaps made
        // while the dump was written are often absent from it), the rest is reached backwards.
        var heaps = new List<ulong> { Address };
        ulong self = Address + _layout.EntryOffset;
        foreach (ulong direction in new[] { 0UL, (ulong)_layout.PointerSize })
        {
            ulong current = self;
            while (heaps.Count < HeapFinder.MaxHeaps)
            {
                if (_memory.Pointer(current + direction) is not { } next)
                {
                    notes.Add($"Wine heap list: the link at {current + direction:x} is not in the dump");
                    break;
                }
                if (next == self || next < _layout.EntryOffset) break;
                ulong heap = next - _layout.EntryOffset;
                if (heaps.Contains(heap)) break;
                heaps.Add(heap);
                current = next;
            }
            if (direction == 0 && _memory.Pointer(current) == self) break; // the ring closed: nothing left to find backwards
        }
        return heaps;
    }

    private List<Subheap> Subheaps(List<string> notes)
    {
        var subheaps = new List<Subheap>();
        foreach (ulong link in ListLinks(Address + _layout.SubheapListOffset, MaxSubheaps, "subheap list", notes))
        {
            ulong header = link - _layout.SubheapEntryOffset;
            if (_memory.Pointer(header + _layout.SubheapUserValueOffset) != Address)
            {
                notes.Add($"heap {Address:x}: subheap {header:x} does not point back to its heap: skipped");
                continue;
            }
            if (_memory.Pointer(header + _layout.SubheapBlockSizeOffset) is not { } blockSize
                || _memory.Pointer(header + _layout.SubheapDataSizeOffset) is not { } dataSize)
            {
                notes.Add($"heap {Address:x}: subheap {header:x}'s sizes are not in the dump: skipped");
                continue;
            }
            ulong first = header + _layout.SubheapFirstBlockOffset, dataStart = header + _layout.ArenaSize;
            if (blockSize > _maxReservation || dataSize > blockSize || first + blockSize < first || dataStart + dataSize > first + blockSize)
            {
                notes.Add($"heap {Address:x}: subheap {header:x} has impossible sizes (reserved {blockSize:x}, committed {dataSize:x}): skipped");
                continue;
            }
            subheaps.Add(new Subheap(header, header & ~(WineHeapLayout.RegionAlign - 1), first, dataStart + dataSize, first + blockSize));
        }
        return subheaps;
    }

    private List<LargeBlock> LargeBlocks(List<string> notes)
    {
        var larges = new List<LargeBlock>();
        foreach (ulong link in ListLinks(Address + _layout.LargeListOffset, MaxLargeBlocks, "large block list", notes))
        {
            ulong arena = link - _layout.LargeEntryOffset;
            var header = _memory.Header(arena + _layout.ArenaSize - WineHeapLayout.BlockHeaderSize);
            ulong? dataSize = _memory.Pointer(arena + _layout.LargeDataSizeOffset), blockSize = _memory.Pointer(arena + _layout.LargeBlockSizeOffset);
            if (header is not { } h || dataSize is not { } data || blockSize is not { } size)
            {
                notes.Add($"heap {Address:x}: large block {arena:x} is not in the dump: skipped");
                continue;
            }
            if (h.Type != WineBlockHeader.TypeLarge || (h.Flags & WineBlockHeader.FlagLarge) == 0
                || size > _maxReservation || size < _layout.ArenaSize || data > size - _layout.ArenaSize)
            {
                notes.Add($"heap {Address:x}: large block {arena:x} has a corrupt header (type {h.Type:x4}, flags {h.Flags:x2}, size {size:x}, data {data:x}): skipped");
                continue;
            }
            larges.Add(new LargeBlock(arena, data, size));
        }
        return larges;
    }

    private IEnumerable<HeapBlock> WalkSubheaps(List<Subheap> subheaps, List<string> notes)
    {
        foreach (var subheap in subheaps)
        {
            // The heap or subheap header itself, so an address inside it is attributed too.
            yield return new HeapBlock(subheap.Base, subheap.Base, subheap.FirstBlock - subheap.Base, subheap.FirstBlock - subheap.Base,
                HeapBlockState.Internal, HeapBlockOrigin.Backend);
            foreach (var block in WalkSubheap(subheap, notes)) yield return block;
        }
    }

    private IEnumerable<HeapBlock> WalkSubheap(Subheap subheap, List<string> notes)
    {
        const ulong header = WineHeapLayout.BlockHeaderSize;
        ulong align = (ulong)_layout.Align;
        ulong address = subheap.FirstBlock;
        // Sizes are at least one alignment unit, so the walk moves forward and ends within the committed part.
        while (true)
        {
            if (_memory.Header(address) is not { } h)
            {
                notes.Add($"heap {Address:x}: block header at {address:x} is not in the dump: rest of subheap {subheap.Base:x} not walked");
                yield break;
            }
            ulong size = h.Size(_layout.Align);
            string? problem =
                size < align ? $"size {size:x} is smaller than one unit"
                : h.Flags == WineBlockHeader.FlagFreeListHead ? "a free-list head inside a subheap"
                : h.IsFree && h.Type != WineBlockHeader.TypeFree ? $"free block of type {h.Type:x4}"
                : !h.IsFree && h.Type is not (WineBlockHeader.TypeUsed or WineBlockHeader.TypeDead) ? $"unknown type {h.Type:x4}"
                : address + size > subheap.End || address + size < address ? $"size {size:x} runs past the subheap's end {subheap.End:x}"
                : !h.IsFree && h.Tail > size - header ? $"tail {h.Tail:x} larger than the block"
                : null;
            if (problem != null)
            {
                notes.Add($"heap {Address:x}: corrupt block header at {address:x} ({problem}): rest of subheap {subheap.Base:x} not walked");
                yield break;
            }
            if (h.IsFree || h.Type == WineBlockHeader.TypeDead)
            {
                // The last free block also spans the uncommitted tail; only its committed part holds memory.
                ulong committed = Math.Min(size, subheap.CommitEnd > address ? subheap.CommitEnd - address : 0);
                yield return new HeapBlock(address, address + header, committed, committed - Math.Min(committed, header), HeapBlockState.Free, HeapBlockOrigin.Backend);
            }
            else yield return new HeapBlock(address, address + header, size, size - header - h.Tail, HeapBlockState.Busy, HeapBlockOrigin.Backend);
            // Wine's own rule: a next block exists only if its header ends a full header before the committed end.
            ulong next = address + size;
            if (next + 2 * header > subheap.CommitEnd) yield break;
            address = next;
        }
    }

    private int? FreeListLength(List<string> notes)
    {
        ulong heads = Address + _layout.FreeListsOffset;
        ulong headsEnd = heads + (ulong)_layout.FreeListCount * _layout.FreeListEntrySize;
        ulong start = heads + WineHeapLayout.BlockHeaderSize; // the first bucket's list links
        int count = 0;
        var seen = new HashSet<ulong>();
        ulong current = start;
        while (true)
        {
            if (_memory.Pointer(current) is not { } next)
            {
                notes.Add($"heap {Address:x}: free list link at {current:x} is not in the dump");
                return null;
            }
            if (next == start) return count;
            if (!seen.Add(next) || seen.Count > MaxFreeListEntries)
            {
                notes.Add($"heap {Address:x}: the free list loops or is too long at {next:x}: length unknown");
                return null;
            }
            ulong entry = next - WineHeapLayout.BlockHeaderSize;
            bool bucketHead = entry >= heads && entry < headsEnd && (entry - heads) % _layout.FreeListEntrySize == 0;
            if (!bucketHead) count++;
            current = next;
        }
    }

    private uint? LockContention(List<string> notes)
    {
        if (_memory.Pointer(Address + _layout.LockOffset) is not { } debugInfo || debugInfo == 0 || debugInfo == ulong.MaxValue >> (64 - 8 * _layout.PointerSize))
            return null;
        uint? contention = _memory.UInt32(debugInfo + _layout.CriticalSectionContentionOffset);
        if (contention == null) notes.Add($"heap {Address:x}: lock contention unknown (the lock's debug info at {debugInfo:x} is not in the dump)");
        return contention;
    }

    /// <summary>The links of a LIST_ENTRY ring after its head, bounded and cycle-checked.</summary>
    private IEnumerable<ulong> ListLinks(ulong head, int max, string what, List<string> notes)
    {
        var seen = new HashSet<ulong>();
        ulong current = head;
        while (true)
        {
            if (_memory.Pointer(current) is not { } next)
            {
                notes.Add($"heap {Address:x}: {what} link at {current:x} is not in the dump");
                yield break;
            }
            if (next == head) yield break;
            if (!seen.Add(next))
            {
                notes.Add($"heap {Address:x}: {what} loops at {next:x}");
                yield break;
            }
            if (seen.Count > max)
            {
                notes.Add($"heap {Address:x}: {what} has more than {max} entries: treated as corrupt");
                yield break;
            }
            yield return next;
            current = next;
        }
    }
}
