namespace Ntdbg.Core.Memory;

/// <summary>Receives one contiguous readable piece of memory; return false to stop the walk.</summary>
public delegate bool ChunkVisitor(ulong address, ReadOnlySpan<byte> data);

/// <summary>
/// An address space as a debugger sees it. Reads stop at the first hole and say why; chunks let
/// searches run over the backing file's memory without copying.
/// </summary>
public interface IVirtualMemory
{
    /// <summary>Name used in fault messages ("user dump", "kernel virtual", "physical").</summary>
    string Name { get; }

    /// <summary>
    /// Reads up to <c>destination.Length</c> bytes. Returns the number of bytes read before the
    /// first hole; when it is short, <paramref name="fault"/> says where and why.
    /// </summary>
    int Read(ulong address, Span<byte> destination, out MemoryFault? fault);

    /// <summary>
    /// Visits the readable data in [start, end) in ascending address order. Consecutive chunks
    /// may be adjacent (a page boundary) or separated by holes.
    /// </summary>
    void VisitChunks(ulong start, ulong end, ChunkVisitor visitor);
}

public static class VirtualMemoryExtensions
{
    /// <summary>Reads exactly <c>destination.Length</c> bytes or throws a <see cref="MemoryFaultException"/>.</summary>
    public static void ReadExact(this IVirtualMemory memory, ulong address, Span<byte> destination)
    {
        int n = memory.Read(address, destination, out var fault);
        if (n < destination.Length)
            throw new MemoryFaultException(fault ?? new MemoryFault(address + (ulong)n, MemoryFaultKind.NotInDump, "read stopped", memory.Name));
    }

    public static bool TryReadUInt64(this IVirtualMemory memory, ulong address, out ulong value, out MemoryFault? fault)
    {
        Span<byte> b = stackalloc byte[8];
        value = 0;
        if (memory.Read(address, b, out fault) < 8) return false;
        value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b);
        return true;
    }

    public static bool TryReadUInt32(this IVirtualMemory memory, ulong address, out uint value, out MemoryFault? fault)
    {
        Span<byte> b = stackalloc byte[4];
        value = 0;
        if (memory.Read(address, b, out fault) < 4) return false;
        value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b);
        return true;
    }

    /// <summary>Reads a pointer of the given size (4 or 8 bytes), zero-extended.</summary>
    public static bool TryReadPointer(this IVirtualMemory memory, ulong address, int pointerSize, out ulong value, out MemoryFault? fault)
    {
        if (pointerSize == 8) return memory.TryReadUInt64(address, out value, out fault);
        bool ok = memory.TryReadUInt32(address, out uint v, out fault);
        value = v;
        return ok;
    }

    public static ulong ReadPointer(this IVirtualMemory memory, ulong address, int pointerSize)
    {
        if (!memory.TryReadPointer(address, pointerSize, out ulong v, out var fault))
            throw new MemoryFaultException(fault!);
        return v;
    }
}
