using System.Buffers.Binary;

namespace Ntdbg.Analyses.Heaps.Nt;

/// <summary>One decoded `_HEAP_ENTRY`: sizes in bytes, the flags and the checksum verdict.</summary>
public readonly record struct NtHeapEntry(ulong Address, ulong BlockSize, byte Flags, byte UnusedBytes, ulong PreviousSize, bool ChecksumOk)
{
    public const byte Busy = 0x01;
    public const byte VirtualAlloc = 0x08;
    public const byte LastEntry = 0x10;

    public bool IsBusy => (Flags & Busy) != 0;
}

/// <summary>
/// Decodes heap entry headers. When `_HEAP.EncodeFlagMask` is non-zero the heap stores every header's
/// 8-byte compact part XOR-ed with `_HEAP.Encoding` (the same 8 bytes of a `_HEAP_ENTRY` kept in the heap
/// header, so a dump carries the key) and `SmallTagIndex` then holds the XOR of the first three decoded
/// bytes (Size and Flags) as a checksum: a mismatch means a damaged header or the wrong heap.
/// </summary>
public sealed class NtHeapEntryDecoder(NtHeapLayout layout, ulong encoding, bool encoded)
{
    public bool Encoded { get; } = encoded;

    /// <summary>Reads and decodes the entry at <paramref name="address"/>; null when its header is not in the dump.</summary>
    public NtHeapEntry? Read(HeapMemory memory, ulong address)
    {
        Span<byte> raw = stackalloc byte[8];
        if (!memory.TryRead(address + layout.EntryHeaderOffset, raw, out _)) return null;
        return Decode(address, BinaryPrimitives.ReadUInt64LittleEndian(raw));
    }

    public NtHeapEntry Decode(ulong address, ulong compact)
    {
        ulong value = Encoded ? compact ^ encoding : compact;
        byte Byte(int at) => (byte)(value >> (at * 8));
        ushort size = (ushort)value;
        byte flags = Byte(layout.EntryFlags);
        bool checksum = !Encoded || Byte(layout.EntrySmallTagIndex) == (byte)(Byte(0) ^ Byte(1) ^ Byte(2));
        ushort previous = (ushort)(value >> (layout.EntryPreviousSize * 8));
        return new NtHeapEntry(address, size * layout.EntrySize, flags, Byte(layout.EntryUnusedBytes), previous * layout.EntrySize, checksum);
    }
}
