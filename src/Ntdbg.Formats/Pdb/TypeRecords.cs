namespace Ntdbg.Formats.Pdb;

/// <summary>A decoded type (TPI) or id (IPI) record; <see cref="Index"/> is its type index.</summary>
public abstract record TypeRecord(uint Index, ushort Leaf)
{
    public string LeafName => TypeLeaf.Name(Leaf);
}

/// <summary>A record kind the reader does not decode (kept so indices stay dense).</summary>
public sealed record UnknownTypeRecord(uint Index, ushort Leaf) : TypeRecord(Index, Leaf);

/// <summary>Class-like property bits (CV_prop_t).</summary>
[Flags]
public enum TypeProperties : ushort
{
    None = 0, Packed = 0x1, HasConstructorOrDestructor = 0x2, OverloadedOperator = 0x4, Nested = 0x8,
    ContainsNested = 0x10, OverloadedAssignment = 0x20, OverloadedCasting = 0x40, ForwardReference = 0x80,
    Scoped = 0x100, HasUniqueName = 0x200, Sealed = 0x400, Intrinsic = 0x2000,
}

/// <summary>LF_CLASS, LF_STRUCTURE, LF_INTERFACE and LF_UNION.</summary>
public sealed record UdtType(uint Index, ushort Leaf, ushort MemberCount, TypeProperties Properties, uint FieldList,
    uint DerivedFrom, uint VTableShape, ulong Size, string Name, string? UniqueName) : TypeRecord(Index, Leaf)
{
    public bool IsForwardReference => (Properties & TypeProperties.ForwardReference) != 0;
    public bool IsUnion => Leaf == TypeLeaf.LF_UNION;
}

public sealed record EnumType(uint Index, ushort Leaf, ushort MemberCount, TypeProperties Properties, uint UnderlyingType,
    uint FieldList, string Name, string? UniqueName) : TypeRecord(Index, Leaf)
{
    public bool IsForwardReference => (Properties & TypeProperties.ForwardReference) != 0;
}

/// <summary>LF_POINTER; attributes decoded from the 32-bit attribute word.</summary>
public sealed record PointerType(uint Index, uint Referent, uint Attributes, uint ContainingClass) : TypeRecord(Index, TypeLeaf.LF_POINTER)
{
    /// <summary>CV_ptrtype (0x0a near32, 0x0c 64-bit...).</summary>
    public int Kind => (int)(Attributes & 0x1f);
    /// <summary>CV_ptrmode: 0 pointer, 1 lvalue reference, 2 pointer to data member, 3 to member function, 4 rvalue reference.</summary>
    public int Mode => (int)((Attributes >> 5) & 7);
    public bool IsVolatile => (Attributes & 0x200) != 0;
    public bool IsConst => (Attributes & 0x400) != 0;
    public bool IsUnaligned => (Attributes & 0x800) != 0;
    public bool IsRestrict => (Attributes & 0x1000) != 0;
    /// <summary>The size field of the attributes (some compilers leave it 0).</summary>
    public int SizeField => (int)((Attributes >> 13) & 0x3f);
    /// <summary>Size of the pointer in bytes: the size field, else what the pointer kind implies.</summary>
    public int Size => SizeField != 0 ? SizeField : Kind switch { 0x0a or 0x0b => 4, 0x0c => 8, 0x0d => 16, 0x00 => 2, _ => 4 };
    public bool IsReference => Mode is 1 or 4;
    public bool IsMemberPointer => Mode is 2 or 3;
}

public sealed record ModifierType(uint Index, uint Referent, ushort Modifiers) : TypeRecord(Index, TypeLeaf.LF_MODIFIER)
{
    public bool IsConst => (Modifiers & 1) != 0;
    public bool IsVolatile => (Modifiers & 2) != 0;
    public bool IsUnaligned => (Modifiers & 4) != 0;
}

public sealed record ArrayType(uint Index, uint ElementType, uint IndexType, ulong Size, string Name) : TypeRecord(Index, TypeLeaf.LF_ARRAY);

public sealed record BitfieldType(uint Index, uint Type, byte Length, byte Position) : TypeRecord(Index, TypeLeaf.LF_BITFIELD);

public sealed record ProcedureType(uint Index, uint ReturnType, byte CallingConvention, byte Options, ushort ParameterCount, uint ArgumentList)
    : TypeRecord(Index, TypeLeaf.LF_PROCEDURE);

public sealed record MemberFunctionType(uint Index, uint ReturnType, uint ClassType, uint ThisType, byte CallingConvention,
    byte Options, ushort ParameterCount, uint ArgumentList, int ThisAdjust) : TypeRecord(Index, TypeLeaf.LF_MFUNCTION);

public sealed record ArgListType(uint Index, IReadOnlyList<uint> Arguments) : TypeRecord(Index, TypeLeaf.LF_ARGLIST);

/// <summary>One LF_FIELDLIST record: its members, and the LF_INDEX continuation (0 when none).</summary>
public sealed record FieldListType(uint Index, IReadOnlyList<FieldMember> Members, uint Continuation) : TypeRecord(Index, TypeLeaf.LF_FIELDLIST);

public sealed record MethodListType(uint Index, IReadOnlyList<MethodListEntry> Methods) : TypeRecord(Index, TypeLeaf.LF_METHODLIST);

public sealed record MethodListEntry(ushort Attributes, uint Type, int VTableOffset);

/// <summary>LF_FUNC_ID / LF_MFUNC_ID (IPI): a function's name, its type and its scope or class.</summary>
public sealed record FunctionIdRecord(uint Index, ushort Leaf, uint Scope, uint FunctionType, string Name) : TypeRecord(Index, Leaf);

/// <summary>LF_STRING_ID (IPI).</summary>
public sealed record StringIdRecord(uint Index, uint SubstringList, string Value) : TypeRecord(Index, TypeLeaf.LF_STRING_ID);

/// <summary>LF_UDT_SRC_LINE / LF_UDT_MOD_SRC_LINE (IPI): where a UDT is defined.</summary>
public sealed record UdtSourceLineRecord(uint Index, ushort Leaf, uint Udt, uint SourceFile, uint Line, ushort Module) : TypeRecord(Index, Leaf);
