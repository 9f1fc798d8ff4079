using System.Buffers.Binary;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Where the tag and the six counters sit in one _POOL_TRACKER_TABLE entry, and how wide each is,
/// from the kernel's own type (ULONG counts on 7601/9600/14393, ULONG64 later; x86 kernels keep
/// 32-bit byte counts). Every tracker table the kernel keeps (the main one, the per-processor ones,
/// the expansion table, the session ones) is an array of this one type.
/// </summary>
public sealed class PoolTrackerLayout
{
    private static readonly string[] CounterNames = ["NonPagedAllocs", "NonPagedFrees", "NonPagedBytes", "PagedAllocs", "PagedFrees", "PagedBytes"];
    private readonly (int Offset, int Size)[] _counters;
    private readonly int _keyOffset;

    private PoolTrackerLayout(ulong entrySize, int keyOffset, (int, int)[] counters)
    {
        EntrySize = entrySize;
        _keyOffset = keyOffset;
        _counters = counters;
    }

    public ulong EntrySize { get; }

    /// <summary>The layout of <paramref name="type"/>, or null (with a note) when it lacks a field the counters need.</summary>
    public static PoolTrackerLayout? From(UdtType type, List<string> notes)
    {
        if (type.Size == 0 || type.Size > 4096)
        {
            notes.Add($"{type.Name} is {type.Size} bytes: not a tracker entry");
            return null;
        }
        if (Field(type, "Key", notes) is not var (keyOffset, keySize)) return null;
        if (keySize != 4)
        {
            notes.Add($"{type.Name}.Key is {keySize} bytes, not a 4-byte tag");
            return null;
        }
        var counters = new (int, int)[CounterNames.Length];
        for (int i = 0; i < CounterNames.Length; i++)
        {
            if (Field(type, CounterNames[i], notes) is not var (offset, size)) return null;
            if (size is not (4 or 8))
            {
                notes.Add($"{type.Name}.{CounterNames[i]} is {size} bytes, not a counter");
                return null;
            }
            counters[i] = (offset, size);
        }
        return new PoolTrackerLayout(type.Size, keyOffset, counters);
    }

    /// <summary>The tag of the entry at the start of <paramref name="entry"/> (0: an empty slot).</summary>
    public uint Key(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadUInt32LittleEndian(entry[_keyOffset..]);

    /// <summary>Counter <paramref name="index"/> (NonPagedAllocs, NonPagedFrees, NonPagedBytes, PagedAllocs, PagedFrees, PagedBytes) of an entry.</summary>
    public ulong Counter(ReadOnlySpan<byte> entry, int index)
    {
        var (offset, size) = _counters[index];
        return size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(entry[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(entry[offset..]);
    }

    /// <summary>The width in bits of counter <paramref name="index"/>: sums wrap at it as the kernel's own counters do.</summary>
    public int Bits(int index) => _counters[index].Size * 8;

    private static (int Offset, int Size)? Field(UdtType type, string name, List<string> notes)
    {
        if (type.GetField(name) is not { IsBitfield: false } f || f.Offset + f.Type.Size > type.Size)
        {
            notes.Add($"{type.Name} has no field {name}: pool tag counters are unknown");
            return null;
        }
        return ((int)f.Offset, (int)f.Type.Size);
    }
}
