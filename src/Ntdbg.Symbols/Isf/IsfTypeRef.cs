namespace Ntdbg.Symbols.Isf;

/// <summary>
/// An ISF type descriptor: a small immutable tree. Struct, union, class, enum and base types are
/// referenced by <see cref="Name"/> (resolve them through <see cref="IsfSymbolTable"/>); pointers
/// and arrays nest a <see cref="Subtype"/>; a bit field nests its storage <see cref="Type"/>.
/// Because named types are never inlined, a tree cannot loop; its depth is capped on load
/// (<see cref="IsfLimits.MaxTypeDepth"/>).
/// </summary>
public sealed class IsfTypeRef
{
    public IsfTypeRef(IsfTypeKind kind, string? name = null, IsfTypeRef? subtype = null, long count = 0,
        int bitPosition = 0, int bitLength = 0, IsfTypeRef? type = null)
    {
        Kind = kind;
        Name = name;
        Subtype = subtype;
        Count = count;
        BitPosition = bitPosition;
        BitLength = bitLength;
        Type = type;
    }

    public IsfTypeKind Kind { get; }
    /// <summary>The referenced name for base, struct, union, class and enum kinds; otherwise null.</summary>
    public string? Name { get; }
    /// <summary>Pointee (pointer) or element type (array).</summary>
    public IsfTypeRef? Subtype { get; }
    /// <summary>Element count of an array.</summary>
    public long Count { get; }
    /// <summary>First bit of a bit field, counted from the least significant bit of its storage.</summary>
    public int BitPosition { get; }
    /// <summary>Width of a bit field in bits.</summary>
    public int BitLength { get; }
    /// <summary>Storage type of a bit field.</summary>
    public IsfTypeRef? Type { get; }

    /// <summary>True for struct, union and class references.</summary>
    public bool IsUserType => Kind is IsfTypeKind.Struct or IsfTypeKind.Union or IsfTypeKind.Class;

    /// <summary>A C-like spelling ("_LIST_ENTRY*", "unsigned char[16]", "unsigned long long:36@12").</summary>
    public override string ToString() => Kind switch
    {
        IsfTypeKind.Pointer => $"{Subtype}*",
        IsfTypeKind.Array => $"{Subtype}[{Count}]",
        IsfTypeKind.Bitfield => $"{Type}:{BitLength}@{BitPosition}",
        IsfTypeKind.Function => "<function>",
        IsfTypeKind.Enum => $"enum {Name}",
        _ => Name ?? Kind.ToString(),
    };
}
