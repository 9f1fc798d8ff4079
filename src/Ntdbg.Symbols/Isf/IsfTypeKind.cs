namespace Ntdbg.Symbols.Isf;

/// <summary>The "kind" of an ISF type descriptor (Volatility 3 schema 6.x).</summary>
public enum IsfTypeKind
{
    /// <summary>A base type named in <c>base_types</c> ("unsigned long", "pointer", "void").</summary>
    Base,
    /// <summary>A pointer; <see cref="IsfTypeRef.Subtype"/> is the pointee.</summary>
    Pointer,
    /// <summary>A fixed array; <see cref="IsfTypeRef.Subtype"/> is the element, <see cref="IsfTypeRef.Count"/> the length.</summary>
    Array,
    Struct,
    Union,
    Class,
    /// <summary>An enumeration named in <c>enums</c>.</summary>
    Enum,
    /// <summary>A function (only ever the target of a pointer); it has no size.</summary>
    Function,
    /// <summary>A bit field; <see cref="IsfTypeRef.Type"/> is the storage type.</summary>
    Bitfield,
}
