using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_LOCATION_DESCRIPTOR: a 32-bit size and file offset (RVA).</summary>
public readonly record struct MinidumpLocation(uint DataSize, uint Rva)
{
    public const int Size = 8;
    public bool IsEmpty => DataSize == 0;
    public long End => (long)Rva + DataSize;

    public static MinidumpLocation Read(ReadOnlySpan<byte> s, int offset) => new(Le.U32(s, offset), Le.U32(s, offset + 4));
}

/// <summary>MINIDUMP_MEMORY_DESCRIPTOR: a virtual address and where its bytes lie in the file.</summary>
public readonly record struct MinidumpMemoryDescriptor(ulong StartOfMemoryRange, MinidumpLocation Memory)
{
    public const int Size = 16;

    public static MinidumpMemoryDescriptor Read(ReadOnlySpan<byte> s, int offset) =>
        new(Le.U64(s, offset), MinidumpLocation.Read(s, offset + 8));
}
