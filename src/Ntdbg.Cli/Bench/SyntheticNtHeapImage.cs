using System.Buffers.Binary;
using Ntdbg.Analyses.Heaps.Nt;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// The heap benchmark's input: one NT heap segment holding <c>allocations</c> busy blocks of 16-256 bytes
/// with a free block after every tenth, encoded with a random key and laid out at the offsets of the given
/// <see cref="NtHeapLayout"/> (from a kernel ISF table's `_HEAP` types, which match ntdll's). Returns the
/// heap's pages as one range and the figures the walk must reproduce.
/// </summary>
public static class SyntheticNtHeapImage
{
    public const ulong HeapAddress = 0x250_0000_0000;
    private const ulong Page = 0x1000;

    public sealed record Image(byte[] Bytes, int Busy, int Free, ulong FreeBytes);

    public static Image Build(NtHeapLayout layout, int allocations, int seed = 1)
    {
        var random = new Random(seed);
        ulong gran = layout.EntrySize;
        var units = new List<(ushort Units, bool Busy, byte Unused)>();
        ulong total = 0;
        for (int i = 0; i < allocations; i++)
        {
            ulong request = (ulong)random.Next(1, 257);
            ulong size = (request + gran + gran - 1) / gran;
            units.Add(((ushort)size, true, (byte)(size * gran - request)));
            total += size;
            if (i % 10 == 9) { units.Add((4, false, 0)); total += 4; }
        }
        ulong first = (layout.HeapSize + gran - 1) / gran * gran;
        ulong pages = (first + total * gran + Page - 1) / Page;
        ulong end = pages * Page;
        // The last block takes what is left of the last page (free).
        ulong tail = (end - first - total * gran) / gran;
        if (tail >= 2) units.Add(((ushort)tail, false, 0));
        else end = first + total * gran;
        var bytes = new byte[end];
        var key = new byte[8];
        random.NextBytes(key);
        ulong encoding = BinaryPrimitives.ReadUInt64LittleEndian(key);

        void U64(ulong at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)at), v);
        void U32(ulong at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)at), v);
        void EmptyList(ulong at) { U64(at, HeapAddress + at); U64(at + 8, HeapAddress + at); }
        void Entry(ulong at, ushort size, byte flags, ushort previous, byte unused)
        {
            byte check = (byte)(size ^ (size >> 8) ^ flags);
            ulong compact = size | (ulong)flags << (8 * layout.EntryFlags) | (ulong)check << (8 * layout.EntrySmallTagIndex)
                | (ulong)previous << (8 * layout.EntryPreviousSize) | (ulong)unused << (8 * layout.EntryUnusedBytes);
            U64(at + layout.EntryHeaderOffset, compact ^ encoding);
        }

        U32(layout.HeapSignature, NtHeapLayout.Signature);
        U32(layout.SegmentSignature, NtHeapLayout.SegmentSignatureValue);
        U32(layout.HeapFlags, 2);
        U32(layout.HeapEncodeFlagMask, 0x100000);
        U64(layout.HeapEncoding + layout.EntryHeaderOffset, encoding);
        U64(layout.SegmentBaseAddress, HeapAddress);
        U32(layout.SegmentNumberOfPages, (uint)(end / Page + (end % Page == 0 ? 0UL : 1UL)));
        U64(layout.SegmentFirstEntry, HeapAddress + first);
        U64(layout.SegmentLastValidEntry, HeapAddress + end);
        U64(layout.HeapSegmentList, HeapAddress + layout.SegmentListEntry);
        U64(layout.HeapSegmentList + 8, HeapAddress + layout.SegmentListEntry);
        U64(layout.SegmentListEntry, HeapAddress + layout.HeapSegmentList);
        U64(layout.SegmentListEntry + 8, HeapAddress + layout.HeapSegmentList);
        EmptyList(layout.SegmentUcrList);
        EmptyList(layout.HeapVirtualAllocdBlocks);

        ulong at = first, previousLink = layout.HeapFreeLists;
        ushort previous = 0;
        int busy = 0, free = 0;
        ulong freeBytes = 0;
        foreach (var (size, isBusy, unused) in units)
        {
            Entry(at, size, (byte)(isBusy ? 1 : 0), previous, unused);
            if (isBusy) busy++;
            else
            {
                // Append to the free list: previous.Flink = this, this.Blink = previous.
                ulong link = at + layout.FreeEntryFreeList;
                U64(previousLink, HeapAddress + link);
                U64(link + 8, HeapAddress + previousLink);
                previousLink = link;
                free++;
                freeBytes += size * gran;
            }
            previous = size;
            at += size * gran;
        }
        U64(previousLink, HeapAddress + layout.HeapFreeLists);
        U64(layout.HeapFreeLists + 8, HeapAddress + previousLink);
        U64(layout.HeapTotalFreeSize, freeBytes / gran);
        return new Image(bytes, busy, free, freeBytes);
    }

    /// <summary>A minimal user minidump: one Memory64List range holding the heap.</summary>
    public static void WriteDump(string path, byte[] heap)
    {
        using var w = new BinaryWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20));
        const uint directoryRva = 32, listRva = directoryRva + 12, listSize = 32;
        w.Write(0x504d444du); w.Write(0xa793u); w.Write(1u); w.Write(directoryRva);
        w.Write(0u); w.Write(0u); w.Write(0UL);
        w.Write(9u); w.Write(listSize); w.Write(listRva);
        w.Write(1UL); w.Write((ulong)(listRva + listSize));
        w.Write(HeapAddress); w.Write((ulong)heap.Length);
        w.Write(heap);
    }
}
