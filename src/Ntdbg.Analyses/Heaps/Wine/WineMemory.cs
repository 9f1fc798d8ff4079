using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.Heaps.Wine;

/// <summary>Small reads for the Wine walker: null when the dump lacks the bytes, never zeros.</summary>
internal sealed class WineMemory(HeapReadContext context)
{
    public int PointerSize => context.PointerSize;

    public ulong? Pointer(ulong address)
    {
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        return context.Memory.Read(address, b[..PointerSize], out _) < PointerSize ? null : BitConverter.ToUInt64(b);
    }

    public uint? UInt32(ulong address)
    {
        Span<byte> b = stackalloc byte[4];
        return context.Memory.Read(address, b, out _) < 4 ? null : BitConverter.ToUInt32(b);
    }

    public WineBlockHeader? Header(ulong address)
    {
        Span<byte> b = stackalloc byte[WineHeapLayout.BlockHeaderSize];
        return context.Memory.Read(address, b, out _) < b.Length ? null : WineBlockHeader.Parse(b);
    }
}
