using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.Pdb;

/// <summary>
/// A TPI (stream 2) or IPI (stream 4) stream: header, then records numbered from
/// <see cref="TypeIndexBegin"/>. The stream is read on first use; record offsets are found by one
/// scan, records are decoded on first access and kept. Forward references resolve to the full
/// definition by unique name (by name when the record has none). Every chain (LF_INDEX
/// continuations, type references) is guarded against cycles.
/// </summary>
public sealed class TypeStream
{
    public const int MinHeaderSize = 56;

    private readonly MsfStream _stream;
    private readonly int[] _offsets; // offset of each record's length field
    private readonly TypeRecord?[] _records;
    private Dictionary<string, uint>? _definitions;

    public uint Version { get; }
    public uint HeaderSize { get; }
    public uint TypeIndexBegin { get; }
    public uint TypeIndexEnd { get; }
    public uint TypeRecordBytes { get; }
    public int HashStreamIndex { get; }
    public int HashAuxStreamIndex { get; }
    public int Count => _offsets.Length;
    public string Name => _stream.Name;

    private TypeStream(MsfStream stream)
    {
        _stream = stream;
        if (stream.Length == 0)
        {
            TypeIndexBegin = TypeIndexEnd = SimpleTypes.FirstNonSimple;
            _offsets = [];
            _records = [];
            return;
        }
        var r = stream.Reader();
        Version = r.U32($"{stream.Name} version");
        HeaderSize = r.U32($"{stream.Name} header size");
        TypeIndexBegin = r.U32($"{stream.Name} first type index");
        TypeIndexEnd = r.U32($"{stream.Name} end type index");
        TypeRecordBytes = r.U32($"{stream.Name} record bytes");
        ushort hash = r.U16(), aux = r.U16();
        HashStreamIndex = hash == 0xFFFF ? -1 : hash;
        HashAuxStreamIndex = aux == 0xFFFF ? -1 : aux;
        if (HeaderSize < MinHeaderSize || HeaderSize > (uint)stream.Length)
            throw stream.Error(4, $"header size 0x{HeaderSize:x} is not within the 0x{stream.Length:x}-byte stream");
        if (TypeRecordBytes > (uint)stream.Length - HeaderSize)
            throw stream.Error(16, $"type records of 0x{TypeRecordBytes:x} bytes do not fit the stream after the header (0x{stream.Length - HeaderSize:x} bytes)");
        if (TypeIndexBegin < SimpleTypes.FirstNonSimple || TypeIndexEnd < TypeIndexBegin)
            throw stream.Error(8, $"type index range 0x{TypeIndexBegin:x}..0x{TypeIndexEnd:x} is invalid");
        long declared = (long)TypeIndexEnd - TypeIndexBegin;
        if (declared > PdbLimits.MaxTypeRecords || declared > TypeRecordBytes / 4)
            throw stream.Error(12, $"type record count {declared} exceeds the limit or the 0x{TypeRecordBytes:x} record bytes");
        _offsets = new int[declared];
        int pos = (int)HeaderSize, end = (int)(HeaderSize + TypeRecordBytes);
        for (int i = 0; i < _offsets.Length; i++)
        {
            if (end - pos < 4)
                throw stream.Error(pos, $"{stream.Name} declares {declared} records but its data ends after {i}");
            _offsets[i] = pos;
            var lr = stream.Reader(pos, end - pos);
            ushort length = lr.U16("type record length");
            if (length < 2 || length > end - pos - 2)
                throw stream.Error(pos, $"type record 0x{TypeIndexBegin + i:x} length 0x{length:x} runs past the record data");
            pos += 2 + length;
        }
        _records = new TypeRecord?[_offsets.Length];
    }

    public static TypeStream Read(MsfFile msf, int index, string name) => new(msf.ReadStream(index, name));

    public bool Contains(uint typeIndex) => typeIndex >= TypeIndexBegin && typeIndex < TypeIndexEnd;

    /// <summary>The record for a type index; null for simple types and indices outside the stream.</summary>
    public TypeRecord? this[uint typeIndex] => Get(typeIndex);

    public TypeRecord? Get(uint typeIndex)
    {
        if (!Contains(typeIndex)) return null;
        int i = (int)(typeIndex - TypeIndexBegin);
        return _records[i] ??= DecodeAt(i);
    }

    /// <summary>The leaf kind of a record without decoding it (0 when out of range).</summary>
    public ushort LeafOf(uint typeIndex)
    {
        if (!Contains(typeIndex)) return 0;
        int at = _offsets[typeIndex - TypeIndexBegin];
        return (ushort)(_stream.Data[at + 2] | _stream.Data[at + 3] << 8);
    }

    private TypeRecord DecodeAt(int i)
    {
        int at = _offsets[i];
        var r = _stream.Reader(at, 4);
        ushort length = r.U16();
        ushort leaf = r.U16();
        return TypeRecordDecoder.Decode(TypeIndexBegin + (uint)i, leaf, _stream.Reader(at + 4, length - 2));
    }

    /// <summary>
    /// Every member of a field list, following LF_INDEX continuations; a continuation that loops,
    /// leaves the stream or is not a field list is a format error.
    /// </summary>
    public List<FieldMember> FieldListMembers(uint fieldList)
    {
        var all = new List<FieldMember>();
        var seen = new HashSet<uint>();
        uint ti = fieldList;
        while (ti != 0)
        {
            if (!seen.Add(ti)) throw Error(ti, $"field list continuation chain loops back to 0x{ti:x}");
            if (seen.Count > PdbLimits.MaxFieldListContinuations) throw Error(ti, "field list continuation chain is too long");
            if (Get(ti) is not FieldListType list)
            {
                if (ti == fieldList && SimpleTypes.IsSimple(ti)) return all;
                throw Error(ti, $"type 0x{ti:x} is not a field list (reached from 0x{fieldList:x})");
            }
            all.AddRange(list.Members);
            if (all.Count > PdbLimits.MaxFieldListMembers) throw Error(ti, "field list chain exceeds the member limit");
            ti = list.Continuation;
        }
        return all;
    }

    /// <summary>
    /// For a forward reference (class, struct, union, enum), the index of its full definition
    /// found by unique name (else by name); otherwise, or when none exists, the index itself.
    /// </summary>
    public uint ResolveForward(uint typeIndex)
    {
        var record = Get(typeIndex);
        string? key = record switch
        {
            UdtType u when u.IsForwardReference => DefinitionKey(u.Leaf, u.UniqueName ?? u.Name),
            EnumType e when e.IsForwardReference => DefinitionKey(e.Leaf, e.UniqueName ?? e.Name),
            _ => null,
        };
        if (key == null) return typeIndex;
        return Definitions.TryGetValue(key, out uint full) ? full : typeIndex;
    }

    /// <summary>The full (non-forward) definition of a class, struct or union by name; null when there is none.</summary>
    public UdtType? FindUdtByName(string name)
    {
        foreach (var leaf in UdtLeaves)
            if (Definitions.TryGetValue(DefinitionKey(leaf, name), out uint ti) && Get(ti) is UdtType u) return u;
        return null;
    }

    /// <summary>The full definition of an enum by name.</summary>
    public EnumType? FindEnumByName(string name) =>
        Definitions.TryGetValue(DefinitionKey(TypeLeaf.LF_ENUM, name), out uint ti) ? Get(ti) as EnumType : null;

    private static readonly ushort[] UdtLeaves = [TypeLeaf.LF_STRUCTURE, TypeLeaf.LF_CLASS, TypeLeaf.LF_UNION, TypeLeaf.LF_INTERFACE];

    // Struct and class share one namespace (a forward "class X" may be defined as "struct X").
    private static string DefinitionKey(ushort leaf, string name) => leaf switch
    {
        TypeLeaf.LF_UNION => "u:" + name,
        TypeLeaf.LF_ENUM => "e:" + name,
        _ => "c:" + name,
    };

    /// <summary>Definitions by unique name and by name, first definition wins; built on first use.</summary>
    private Dictionary<string, uint> Definitions => _definitions ??= BuildDefinitions();

    private Dictionary<string, uint> BuildDefinitions()
    {
        var map = new Dictionary<string, uint>(StringComparer.Ordinal);
        for (int i = 0; i < _offsets.Length; i++)
        {
            uint ti = TypeIndexBegin + (uint)i;
            ushort leaf = LeafOf(ti);
            if (leaf is not (TypeLeaf.LF_STRUCTURE or TypeLeaf.LF_CLASS or TypeLeaf.LF_UNION or TypeLeaf.LF_INTERFACE or TypeLeaf.LF_ENUM)) continue;
            switch (Get(ti))
            {
                case UdtType u when !u.IsForwardReference:
                    if (u.UniqueName != null) map.TryAdd(DefinitionKey(leaf, u.UniqueName), ti);
                    map.TryAdd(DefinitionKey(leaf, u.Name), ti);
                    break;
                case EnumType e when !e.IsForwardReference:
                    if (e.UniqueName != null) map.TryAdd(DefinitionKey(leaf, e.UniqueName), ti);
                    map.TryAdd(DefinitionKey(leaf, e.Name), ti);
                    break;
            }
        }
        return map;
    }

    /// <summary>Size in bytes of a value of the type (forward references resolved); 0 when unknown.</summary>
    public ulong SizeOf(uint typeIndex)
    {
        uint ti = typeIndex;
        for (int depth = 0; depth < PdbLimits.MaxTypeChain; depth++)
        {
            if (SimpleTypes.IsSimple(ti)) return (ulong)SimpleTypes.Size(ti);
            switch (Get(ResolveForward(ti)))
            {
                case UdtType u: return u.Size;
                case EnumType e: ti = e.UnderlyingType; continue;
                case PointerType p: return (ulong)p.Size;
                case ModifierType m: ti = m.Referent; continue;
                case ArrayType a: return a.Size;
                case BitfieldType b: ti = b.Type; continue;
                default: return 0;
            }
        }
        throw Error(typeIndex, $"type 0x{typeIndex:x} refers through more than {PdbLimits.MaxTypeChain} types (cycle?)");
    }

    /// <summary>A C-like name for the type ("int", "_LIST_ENTRY*", "const char", "int[10]").</summary>
    public string NameOf(uint typeIndex) => NameOf(typeIndex, 0);

    private string NameOf(uint ti, int depth)
    {
        if (depth > PdbLimits.MaxTypeChain) throw Error(ti, $"type 0x{ti:x} refers through more than {PdbLimits.MaxTypeChain} types (cycle?)");
        if (SimpleTypes.IsSimple(ti)) return SimpleTypes.Name(ti);
        return Get(ti) switch
        {
            UdtType u => u.Name,
            EnumType e => e.Name,
            PointerType p => NameOf(p.Referent, depth + 1) + (p.Mode switch { 1 => "&", 4 => "&&", _ => "*" }) + (p.IsConst ? " const" : ""),
            ModifierType m => (m.IsConst ? "const " : "") + (m.IsVolatile ? "volatile " : "") + NameOf(m.Referent, depth + 1),
            ArrayType a => $"{NameOf(a.ElementType, depth + 1)}[{ElementCount(a, depth)}]",
            BitfieldType b => NameOf(b.Type, depth + 1),
            ProcedureType or MemberFunctionType => "<function>",
            null => $"<type 0x{ti:x} out of range>",
            var other => other.LeafName,
        };
    }

    private ulong ElementCount(ArrayType a, int depth)
    {
        _ = depth;
        ulong element = SizeOf(a.ElementType);
        return element == 0 ? 0 : a.Size / element;
    }

    /// <summary>All records in index order (decoding each).</summary>
    public IEnumerable<TypeRecord> All()
    {
        for (int i = 0; i < _offsets.Length; i++) yield return Get(TypeIndexBegin + (uint)i)!;
    }

    private DumpFormatException Error(uint ti, string problem)
    {
        long at = Contains(ti) ? _offsets[ti - TypeIndexBegin] : 0;
        return _stream.Error(at, problem);
    }
}
