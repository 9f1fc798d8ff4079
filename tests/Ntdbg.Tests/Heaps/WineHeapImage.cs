using System.Buffers.Binary;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Analyses.Heaps.Wine;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// A small Wine 8.0 heap laid out in memory for hostile tests: the header (signature, flags, self-linked
/// heap ring, one subheap, empty large list, the free-list ring through every bucket head and one free
/// block), the main subheap with <see cref="BusyBlocks"/> busy blocks of <see cref="BusySize"/> bytes, then
/// one free block to the end of the reservation. Tests corrupt it through <see cref="Bytes"/> and the
/// address properties, then walk it.
/// </summary>
public sealed class WineHeapImage
{
    public const ulong Heap = 0x10000000;
    public const ulong Reserve = 0x40000;
    public const ulong Commit = 0x10000;
    public const int BusyBlocks = 10;
    public const ulong BusySize = 0x40;

    public WineHeapImage(int pointerSize)
    {
        PointerSize = pointerSize;
        Layout = WineHeapLayout.For(pointerSize);
        Bytes = new byte[Commit];
        U32(Heap + Layout.SignatureOffset, WineHeapLayout.Signature);
        U32(Heap + Layout.FlagsOffset, 0x1002);
        Ptr(Heap + Layout.EntryOffset, Heap + Layout.EntryOffset);
        Ptr(Heap + Layout.EntryOffset + (ulong)pointerSize, Heap + Layout.EntryOffset);
        Ptr(Heap + Layout.SubheapListOffset, SubheapEntry);
        Ptr(Heap + Layout.SubheapListOffset + (ulong)pointerSize, SubheapEntry);
        Ptr(Heap + Layout.LargeListOffset, Heap + Layout.LargeListOffset);
        Ptr(Heap + Layout.LargeListOffset + (ulong)pointerSize, Heap + Layout.LargeListOffset);
        U32(Heap + Layout.MagicOffset, WineHeapLayout.Magic);

        // Subheap: its sizes count from the first block / the end of the SUBHEAP structure.
        Ptr(Subheap + Layout.SubheapBlockSizeOffset, Heap + Reserve - FirstBlock);
        Ptr(Subheap + Layout.SubheapDataSizeOffset, Heap + Commit - (Subheap + Layout.ArenaSize));
        Ptr(SubheapEntry, Heap + Layout.SubheapListOffset);
        Ptr(SubheapEntry + (ulong)pointerSize, Heap + Layout.SubheapListOffset);
        Ptr(Subheap + Layout.SubheapUserValueOffset, Heap);

        ulong address = FirstBlock;
        for (int i = 0; i < BusyBlocks; i++, address += BusySize) Header(address, (ushort)(BusySize / (ulong)Layout.Align), 0, 8, WineBlockHeader.TypeUsed);
        FreeBlock = address;
        ulong freeUnits = (Heap + Reserve - FreeBlock) / (ulong)Layout.Align;
        Header(FreeBlock, (ushort)freeUnits, WineBlockHeader.FlagFree, (byte)(freeUnits >> 16), WineBlockHeader.TypeFree);

        // The free-list ring: every bucket head in order, then the free block, back to the first head.
        var links = Enumerable.Range(0, Layout.FreeListCount).Select(FreeListHead).Append(FreeBlock).Select(e => e + 8).ToList();
        for (int i = 0; i < links.Count; i++)
        {
            if (i < Layout.FreeListCount) Header(links[i] - 8, 0, WineBlockHeader.FlagFreeListHead, 0, WineBlockHeader.TypeFree);
            Ptr(links[i], links[(i + 1) % links.Count]);
            Ptr(links[i] + (ulong)pointerSize, links[(i + links.Count - 1) % links.Count]);
        }
    }

    public int PointerSize { get; }
    public WineHeapLayout Layout { get; }
    public byte[] Bytes { get; }
    public ulong Subheap => Heap + Layout.MainSubheapOffset;
    public ulong SubheapEntry => Subheap + Layout.SubheapEntryOffset;
    public ulong FirstBlock => Subheap + Layout.SubheapFirstBlockOffset;
    public ulong FreeBlock { get; }
    public ulong BusyBlock(int index) => FirstBlock + (ulong)index * BusySize;
    public ulong FreeListHead(int index) => Heap + Layout.FreeListsOffset + (ulong)index * Layout.FreeListEntrySize;

    public void Ptr(ulong address, ulong value)
    {
        var span = Bytes.AsSpan(checked((int)(address - Heap)));
        if (PointerSize == 8) BinaryPrimitives.WriteUInt64LittleEndian(span, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value);
    }

    public void U32(ulong address, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(checked((int)(address - Heap))), value);

    public void Header(ulong address, ushort units, byte flags, byte tail, ushort type)
    {
        var span = Bytes.AsSpan(checked((int)(address - Heap)));
        BinaryPrimitives.WriteUInt16LittleEndian(span, units);
        span[2] = flags;
        span[3] = tail;
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], type);
    }

    /// <summary>The image as memory; <paramref name="keep"/> bytes of it (all by default), the rest a hole.</summary>
    public HeapReadContext Context(int? keep = null, RegionMemory? extra = null)
    {
        var memory = extra ?? new RegionMemory();
        memory.Add(Heap, keep is int n ? Bytes[..n] : Bytes);
        return new HeapReadContext(memory, PointerSize, _ => null);
    }
}
