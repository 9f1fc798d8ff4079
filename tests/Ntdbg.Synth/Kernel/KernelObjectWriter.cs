using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Allocates kernel objects the way the object manager lays them out in pool, each field at the
/// offset of the build's ISF table: a 16-byte x64 _POOL_HEADER (PreviousSize, PoolIndex,
/// BlockSize and PoolType in 16-byte units and bytes, then the tag), the _OBJECT_HEADER, and the
/// body at _OBJECT_HEADER.Body, whose address <see cref="Allocate"/> returns. Windows 10 and later
/// store TypeIndex XORed with nt!ObHeaderCookie and the second byte of the header's address;
/// <see cref="WriteTypeTable"/> writes the cookie and nt!ObTypeIndexTable with one _OBJECT_TYPE
/// per name in <see cref="TypeNames"/>.
/// </summary>
public sealed class KernelObjectWriter
{
    /// <summary>The first build that encodes _OBJECT_HEADER.TypeIndex (Windows 10).</summary>
    public const int FirstEncodedTypeIndexBuild = 10240;
    /// <summary>The value written at nt!ObHeaderCookie.</summary>
    public const byte HeaderCookie = 0x5c;
    /// <summary>The PoolType byte of an allocated (in-use) nonpaged block: the header keeps the pool type plus one, never 0 for a block in use.</summary>
    public const byte NonPagedPoolInUse = 0x02;
    private const ulong PoolHeaderSize = 0x10;

    /// <summary>Object types by index (0 and 1 are reserved, as in ObTypeIndexTable).</summary>
    public static readonly IReadOnlyList<string> TypeNames =
        ["", "", "Type", "Directory", "SymbolicLink", "Token", "Job", "Process", "Thread", "DebugObject", "Event", "Mutant", "Semaphore", "Timer", "Key", "File", "Driver", "Device"];

    private readonly PageTableBuilder _pt;
    private readonly IsfLayout _layout;
    private readonly int _build;
    private readonly ulong _kernelBase;
    private readonly HashSet<ulong> _mappedPages = [];
    private ulong _next;

    public KernelObjectWriter(PageTableBuilder pt, IsfLayout layout, int build, ulong kernelBase, ulong poolStart)
    {
        _pt = pt;
        _layout = layout;
        _build = build;
        _kernelBase = kernelBase;
        _next = poolStart;
    }

    /// <summary>Where the type objects are, by index, once <see cref="WriteTypeTable"/> ran.</summary>
    public IReadOnlyDictionary<int, ulong> TypeObjects => _typeObjects;
    private readonly Dictionary<int, ulong> _typeObjects = [];

    /// <summary>The index of a type name in <see cref="TypeNames"/>.</summary>
    public static byte TypeIndex(string typeName)
    {
        int i = TypeNames.ToList().IndexOf(typeName);
        return i >= 2 ? (byte)i : throw new ArgumentException($"no object type {typeName}");
    }

    /// <summary>The _OBJECT_HEADER of the object whose body is at <paramref name="body"/>.</summary>
    public ulong HeaderOf(ulong body) => body - _layout.OffsetOf("_OBJECT_HEADER", "Body");

    /// <summary>The TypeIndex byte stored in a header at <paramref name="headerAddress"/> for the real index.</summary>
    public byte EncodeTypeIndex(byte index, ulong headerAddress) =>
        _build >= FirstEncodedTypeIndexBuild ? (byte)(index ^ HeaderCookie ^ (byte)(headerAddress >> 8)) : index;

    /// <summary>
    /// A pool block holding a pool header, an object header and a body of <paramref name="bodySize"/>
    /// bytes (zeroed); returns the body's address. Blocks do not cross a page unless they need more than one.
    /// </summary>
    public ulong Allocate(string typeName, ulong bodySize, string poolTag)
    {
        ulong bodyOffset = _layout.OffsetOf("_OBJECT_HEADER", "Body");
        ulong blockSize = (PoolHeaderSize + bodyOffset + bodySize + 0xf) & ~0xfUL;
        ulong inPage = _next & 0xfff;
        if (inPage != 0 && inPage + blockSize > 0x1000) _next = (_next + 0xfff) & ~0xfffUL;
        ulong block = _next;
        _next += blockSize;
        for (ulong page = block & ~0xfffUL; page < _next; page += 0x1000)
            if (_mappedPages.Add(page)) _pt.AllocateAndMap(page, 1);

        var pool = new byte[PoolHeaderSize];
        pool[0] = 0; // PreviousSize: each block is written as the first of its run
        pool[1] = 0; // PoolIndex
        pool[2] = blockSize / 0x10 <= 0xff ? (byte)(blockSize / 0x10) : (byte)0;
        pool[3] = NonPagedPoolInUse;
        Encoding.ASCII.GetBytes(poolTag.PadRight(4)[..4]).CopyTo(pool, 4);
        _pt.WriteVirtual(block, pool);

        ulong header = block + PoolHeaderSize;
        var h = new byte[bodyOffset];
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan((int)_layout.OffsetOf("_OBJECT_HEADER", "PointerCount")), 1);
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan((int)_layout.OffsetOf("_OBJECT_HEADER", "HandleCount")), 1);
        h[_layout.OffsetOf("_OBJECT_HEADER", "TypeIndex")] = EncodeTypeIndex(TypeIndex(typeName), header);
        h[_layout.OffsetOf("_OBJECT_HEADER", "InfoMask")] = 0; // no optional headers
        _pt.WriteVirtual(header, h);
        return header + bodyOffset;
    }

    /// <summary>nt!ObHeaderCookie (when the build has it) and nt!ObTypeIndexTable with an _OBJECT_TYPE per <see cref="TypeNames"/> entry.</summary>
    public void WriteTypeTable()
    {
        if (_layout.HasSymbol("ObHeaderCookie"))
        {
            ulong cookie = _kernelBase + _layout.Rva("ObHeaderCookie");
            _pt.EnsureMapped(cookie, 1);
            _pt.WriteVirtual(cookie, [HeaderCookie]);
        }
        ulong table = _kernelBase + _layout.Rva("ObTypeIndexTable");
        _pt.EnsureMapped(table, 1);
        _pt.EnsureMapped(table + (ulong)TypeNames.Count * 8 - 1, 1);
        _pt.WriteVirtualUInt64(table + 8, 0xbad0b0b0); // index 1 is never a type: Windows keeps this marker there
        ulong size = _layout.SizeOf("_OBJECT_TYPE");
        for (int i = 2; i < TypeNames.Count; i++)
        {
            ulong type = Allocate("Type", size + 0x40, "ObjT");
            ulong name = type + size; // the name's characters just after the structure
            var text = Encoding.Unicode.GetBytes(TypeNames[i]);
            var unicode = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(unicode, (ushort)text.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(unicode.AsSpan(2), (ushort)(text.Length + 2));
            BinaryPrimitives.WriteUInt64LittleEndian(unicode.AsSpan(8), name);
            _pt.WriteVirtual(type + _layout.OffsetOf("_OBJECT_TYPE", "Name"), unicode);
            _pt.WriteVirtual(name, text);
            _pt.WriteVirtual(type + _layout.OffsetOf("_OBJECT_TYPE", "Index"), [(byte)i]);
            _pt.WriteVirtualUInt64(table + (ulong)i * 8, type);
            _typeObjects[i] = type;
        }
    }
}
