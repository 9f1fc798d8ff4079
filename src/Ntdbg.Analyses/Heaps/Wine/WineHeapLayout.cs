namespace Ntdbg.Analyses.Heaps.Wine;

/// <summary>
/// Where Wine 8.0's ntdll heap keeps its fields, for a 4- or 8-byte pointer. Wine ships no symbols
/// for its heap, so the layout is the one worked out from Wine 8.0's heap.c and checked against the
/// project's fixture dumps (docs/wine-heap.md). Every offset derives from the pointer size; the
/// first 0x78/0x48 bytes mimic the Windows heap header (its 0xffeeffee signature and flags).
/// </summary>
public sealed class WineHeapLayout
{
    public const uint Signature = 0xffeeffee;
    /// <summary>"HEAP" as a little-endian DWORD: Wine's own magic, which the Windows heap does not have there.</summary>
    public const uint Magic = 0x50414548;
    /// <summary>Subheaps and their blocks are addressed from 64 KiB-aligned region bases.</summary>
    public const ulong RegionAlign = 0x10000;
    public const int BlockHeaderSize = 8;
    /// <summary>Free-list buckets: one per size up to this many bytes, then four open-ended ones.</summary>
    private const int MaxSmallFreeListSize = 0x100;
    private const int LargeFreeListCount = 4;

    private WineHeapLayout(int pointerSize)
    {
        PointerSize = pointerSize;
        Align = 2 * pointerSize;
        bool wide = pointerSize == 8;
        SignatureOffset = (ulong)(2 * pointerSize);
        FlagsOffset = wide ? 0x70UL : 0x40UL;
        EntryOffset = FlagsOffset + 8;
        SubheapListOffset = EntryOffset + (ulong)(2 * pointerSize);
        LargeListOffset = EntryOffset + (ulong)(4 * pointerSize);
        MagicOffset = EntryOffset + (ulong)(8 * pointerSize);
        PendingFreeOffset = MagicOffset + 8;
        LockOffset = PendingFreeOffset + (ulong)pointerSize;
        ulong lockSize = wide ? 40UL : 24UL; // RTL_CRITICAL_SECTION
        FreeListsOffset = RoundUp(LockOffset + lockSize, (ulong)Align);
        int minBlock = 3 * Align; // a free entry (header + list links), rounded up, plus one alignment unit
        FreeListCount = (MaxSmallFreeListSize - minBlock) / Align + 1 + LargeFreeListCount;
        FreeListEntrySize = (ulong)(2 * Align);
        MainSubheapOffset = FreeListsOffset + (ulong)FreeListCount * FreeListEntrySize;
        HeaderPad = (ulong)(pointerSize * pointerSize / 4); // SIZE_T pad[sizeof(SIZE_T) / sizeof(DWORD)]
        CriticalSectionContentionOffset = wide ? 0x24UL : 0x14UL; // RTL_CRITICAL_SECTION_DEBUG.ContentionCount
    }

    public static WineHeapLayout For(int pointerSize) => pointerSize == 8 ? Wide : Narrow;
    private static readonly WineHeapLayout Wide = new(8), Narrow = new(4);

    public int PointerSize { get; }
    /// <summary>Block granularity (BLOCK_ALIGN): 16 bytes on 64-bit, 8 on 32-bit.</summary>
    public int Align { get; }
    public ulong SignatureOffset { get; }
    public ulong FlagsOffset { get; }
    /// <summary>The heap's link in the process's heap list (a LIST_ENTRY).</summary>
    public ulong EntryOffset { get; }
    public ulong SubheapListOffset { get; }
    public ulong LargeListOffset { get; }
    public ulong MagicOffset { get; }
    public ulong PendingFreeOffset { get; }
    public ulong LockOffset { get; }
    public ulong FreeListsOffset { get; }
    public int FreeListCount { get; }
    public ulong FreeListEntrySize { get; }
    public ulong MainSubheapOffset { get; }
    public ulong CriticalSectionContentionOffset { get; }

    /// <summary>The pad before a subheap's or large block's fields (so its block header ends on an alignment boundary).</summary>
    public ulong HeaderPad { get; }
    // SUBHEAP: pad, block_size, data_size, entry (list), user_value, block header.
    public ulong SubheapBlockSizeOffset => HeaderPad;
    public ulong SubheapDataSizeOffset => HeaderPad + (ulong)PointerSize;
    public ulong SubheapEntryOffset => HeaderPad + (ulong)(2 * PointerSize);
    public ulong SubheapUserValueOffset => HeaderPad + (ulong)(4 * PointerSize);
    public ulong SubheapFirstBlockOffset => HeaderPad + (ulong)(5 * PointerSize);
    /// <summary>sizeof(SUBHEAP) and sizeof(ARENA_LARGE): four alignment units.</summary>
    public ulong ArenaSize => (ulong)(4 * Align);
    // ARENA_LARGE: pad, entry (list), data_size, block_size, user_value, block header.
    public ulong LargeEntryOffset => HeaderPad;
    public ulong LargeDataSizeOffset => HeaderPad + (ulong)(2 * PointerSize);
    public ulong LargeBlockSizeOffset => HeaderPad + (ulong)(3 * PointerSize);

    private static ulong RoundUp(ulong value, ulong unit) => (value + unit - 1) / unit * unit;
}

/// <summary>
/// Wine 8.0's 8-byte block header: size in alignment units (WORD), flags (BYTE), tail size (BYTE: the
/// unused bytes of a busy block, the high size bits of a free one), the distance to the subheap's
/// region base in 64 KiB units (WORD) and a two-letter type (WORD: "US" busy, "FR" free, "La" large).
/// </summary>
public readonly record struct WineBlockHeader(ushort SizeUnits, byte Flags, byte Tail, ushort BaseOffset, ushort Type)
{
    public const byte FlagFree = 0x01;
    public const byte FlagPreviousFree = 0x02;
    /// <summary>Both free bits: a free-list bucket head, not a block.</summary>
    public const byte FlagFreeListHead = 0x03;
    public const byte FlagLarge = 0x04;
    public const ushort TypeUsed = 0x5355;   // "US"
    public const ushort TypeFree = 0x5246;   // "FR"
    public const ushort TypeLarge = 0x614c;  // "La"
    /// <summary>A freed block parked in the pending-free ring (free checking on); not seen in the fixtures.</summary>
    public const ushort TypeDead = 0xdead;

    public bool IsFree => (Flags & FlagFree) != 0;

    public ulong Size(int align) => ((ulong)SizeUnits + (IsFree ? (ulong)Tail << 16 : 0)) * (ulong)align;

    public static WineBlockHeader Parse(ReadOnlySpan<byte> b) =>
        new(BitConverter.ToUInt16(b), b[2], b[3], BitConverter.ToUInt16(b[4..]), BitConverter.ToUInt16(b[6..]));
}
