using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>Little-endian reads from the dump that say, in a note, which address was missing and why.</summary>
internal sealed class PoolMemory(DebugSession session)
{
    public string Pointer(ulong address) => Hex.Pointer(address, session.PointerSize);

    /// <summary>The bytes at an address, or null (with a note naming <paramref name="what"/>) when any are not in the dump.</summary>
    public byte[]? Bytes(ulong at, int length, string what, List<string>? notes)
    {
        var bytes = new byte[length];
        if (session.Memory.Read(at, bytes, out var fault) == length) return bytes;
        notes?.Add($"{what} at {Pointer(at)} is not in the dump: {fault?.Detail ?? "unreadable"}");
        return null;
    }

    /// <summary>An integer of 1, 2, 4 or 8 bytes; null (with a note when a list is given) when unreadable.</summary>
    public ulong? Number(ulong at, int size, string what, List<string>? notes)
    {
        var bytes = Bytes(at, size, what, notes);
        if (bytes == null) return null;
        Span<byte> wide = stackalloc byte[8];
        wide.Clear();
        bytes.CopyTo(wide);
        return BitConverter.ToUInt64(wide);
    }
}
