using System.Buffers.Binary;
using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.Heaps;

/// <summary>
/// Little-endian reads of heap structures that report a hole instead of returning zeros. Reads go
/// through a one-window cache (64 KiB), since a heap walk reads thousands of 16-byte headers in
/// address order and each dump read has a fixed cost.
/// </summary>
public sealed class HeapMemory(IVirtualMemory memory, int pointerSize)
{
    private const int WindowSize = 64 * 1024;
    private readonly byte[] _window = new byte[WindowSize];
    private ulong _windowStart = ulong.MaxValue;
    private int _windowLength;

    public IVirtualMemory Memory { get; } = memory;
    public int PointerSize { get; } = pointerSize;

    /// <summary>Reads exactly destination.Length bytes, or returns false (the fault address in <paramref name="missingAt"/>).</summary>
    public bool TryRead(ulong address, Span<byte> destination, out ulong missingAt)
    {
        missingAt = 0;
        if (destination.Length <= 256)
        {
            if (address >= _windowStart && address - _windowStart + (ulong)destination.Length <= (ulong)_windowLength)
            {
                _window.AsSpan((int)(address - _windowStart), destination.Length).CopyTo(destination);
                return true;
            }
            _windowStart = address;
            _windowLength = Memory.Read(address, _window, out _);
            if (_windowLength >= destination.Length)
            {
                _window.AsSpan(0, destination.Length).CopyTo(destination);
                return true;
            }
            missingAt = address + (ulong)_windowLength;
            return false;
        }
        int n = Memory.Read(address, destination, out var fault);
        missingAt = fault?.Address ?? address + (ulong)n;
        return n == destination.Length;
    }

    public ulong? Pointer(ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        return TryRead(address, b[..PointerSize], out _) ? BinaryPrimitives.ReadUInt64LittleEndian(b) : null;
    }

    public uint? UInt32(ulong address)
    {
        Span<byte> b = stackalloc byte[4];
        return TryRead(address, b, out _) ? BinaryPrimitives.ReadUInt32LittleEndian(b) : null;
    }

    public ushort? UInt16(ulong address)
    {
        Span<byte> b = stackalloc byte[2];
        return TryRead(address, b, out _) ? BinaryPrimitives.ReadUInt16LittleEndian(b) : null;
    }

    public byte? UInt8(ulong address)
    {
        Span<byte> b = stackalloc byte[1];
        return TryRead(address, b, out _) ? b[0] : null;
    }

    /// <summary>An unsigned field of 1, 2, 4 or 8 bytes (a SIZE_T is 4 or 8 depending on the process).</summary>
    public ulong? Unsigned(ulong address, int size) => size switch
    {
        1 => UInt8(address),
        2 => UInt16(address),
        4 => UInt32(address),
        _ => UInt64(address),
    };

    public ulong? UInt64(ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        return TryRead(address, b, out _) ? BinaryPrimitives.ReadUInt64LittleEndian(b) : null;
    }

    /// <summary>
    /// The links of a LIST_ENTRY list (not the head), in Flink order. Stops with a note at a hole, at a
    /// link seen before (a loop that does not return to the head) and after <paramref name="cap"/> links.
    /// </summary>
    public List<ulong> ListLinks(ulong head, int cap, string what, List<string> notes)
    {
        var links = new List<ulong>();
        var seen = new HashSet<ulong>();
        ulong? next = Pointer(head);
        if (next is null) { notes.Add($"{what}: the list head at {head:x} is not in the dump"); return links; }
        while (next.Value != head)
        {
            if (next.Value == 0) { notes.Add($"{what}: a null Flink after {links.Count} entries (list cut short)"); break; }
            if (!seen.Add(next.Value)) { notes.Add($"{what}: the list loops back to {next.Value:x} after {links.Count} entries without reaching its head: walk stopped"); break; }
            if (links.Count >= cap) { notes.Add($"{what}: more than {cap} entries: walk stopped (corrupt list?)"); break; }
            links.Add(next.Value);
            ulong at = next.Value;
            next = Pointer(at);
            if (next is null) { notes.Add($"{what}: the entry at {at:x} is not in the dump: walk stopped after {links.Count} entries"); break; }
        }
        return links;
    }
}
