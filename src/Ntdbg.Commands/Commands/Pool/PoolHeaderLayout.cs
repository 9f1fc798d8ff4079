using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// nt!_POOL_HEADER as this kernel lays it out: PreviousSize and BlockSize count blocks of the
/// header's own size (16 bytes on x64, 8 on x86), PoolType is 0 for a free block and the pool
/// type + 1 for an allocated one, PoolTag follows.
/// </summary>
internal sealed class PoolHeaderLayout
{
    private readonly PoolFieldLayout _previousSize, _blockSize, _poolType, _tag;

    private PoolHeaderLayout(ulong size, PoolFieldLayout previousSize, PoolFieldLayout blockSize, PoolFieldLayout poolType, PoolFieldLayout tag)
    {
        Size = size;
        _previousSize = previousSize;
        _blockSize = blockSize;
        _poolType = poolType;
        _tag = tag;
    }

    /// <summary>The header's size, which is also the unit of its block sizes.</summary>
    public ulong Size { get; }

    /// <summary>The layout, or null with a note when the kernel's symbols lack the type or a field.</summary>
    public static PoolHeaderLayout? For(DebugSession session, List<string> notes)
    {
        if (session.SymbolTable.FindType("nt!_POOL_HEADER")?.Type is not UdtType t || t.Size is 0 or > 64)
        {
            notes.Add("nt!_POOL_HEADER is not in the kernel's symbols: pool pages cannot be read");
            return null;
        }
        var fields = new[] { "PreviousSize", "BlockSize", "PoolType", "PoolTag" }.Select(n => PoolFieldLayout.Of(t, n)).ToArray();
        if (fields.Any(f => f == null))
        {
            notes.Add("nt!_POOL_HEADER lacks PreviousSize, BlockSize, PoolType or PoolTag in the kernel's symbols: pool pages cannot be read");
            return null;
        }
        return new PoolHeaderLayout(t.Size, fields[0]!, fields[1]!, fields[2]!, fields[3]!);
    }

    public PoolHeader Decode(ReadOnlySpan<byte> header) => new(
        (_previousSize.Decode(header) ?? 0) * Size,
        (_blockSize.Decode(header) ?? 0) * Size,
        (uint)(_poolType.Decode(header) ?? 0),
        (uint)(_tag.Decode(header) ?? 0));
}

/// <summary>One decoded POOL_HEADER, sizes in bytes.</summary>
internal readonly record struct PoolHeader(ulong PreviousSize, ulong BlockSize, uint PoolType, uint Tag)
{
    public bool Allocated => PoolType != 0;

    /// <summary>Allocated blocks store the pool type + 1; its lowest bit set in the type means paged.</summary>
    public bool Paged => Allocated && ((PoolType - 1) & 1) != 0;
}
