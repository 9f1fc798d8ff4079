namespace Ntdbg.Symbols.Model;

/// <summary>The families of built-in types; with the size they give WinDbg's names (Int4B, Uint8B, UChar, Wchar).</summary>
public enum PrimitiveKind
{
    Void,
    Bool,
    /// <summary>char / signed char (WinDbg "Char").</summary>
    Char,
    /// <summary>unsigned char (WinDbg "UChar").</summary>
    UChar,
    /// <summary>wchar_t (WinDbg "Wchar").</summary>
    WChar,
    Char16,
    Char32,
    Int,
    UInt,
    Float,
    HResult,
}

/// <summary>A built-in type: "unsigned long" (UInt, 4), "wchar_t" (WChar, 2), "void" (Void, 0).</summary>
public sealed class PrimitiveType(string name, PrimitiveKind primitive, int size) : DbgType
{
    public override DbgTypeKind Kind => DbgTypeKind.Primitive;
    public override string Name { get; } = name;
    public override ulong Size => (ulong)size;
    public PrimitiveKind Primitive { get; } = primitive;
    public bool IsSigned => Primitive is PrimitiveKind.Int or PrimitiveKind.Char or PrimitiveKind.Float or PrimitiveKind.HResult;

    public static readonly PrimitiveType Void = new("void", PrimitiveKind.Void, 0);
}
