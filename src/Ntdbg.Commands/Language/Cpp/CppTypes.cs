using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Language.Cpp;

/// <summary>The built-in types the evaluator needs for literals, sizeof and casts, by C spelling.</summary>
public static class CppTypes
{
    public static readonly PrimitiveType Int = new("int", PrimitiveKind.Int, 4);
    public static readonly PrimitiveType Int64 = new("int64", PrimitiveKind.Int, 8);
    public static readonly PrimitiveType UInt64 = new("unsigned int64", PrimitiveKind.UInt, 8);
    public static readonly PrimitiveType Bool = new("bool", PrimitiveKind.Bool, 1);

    private static readonly Dictionary<string, PrimitiveType> ByName = new(StringComparer.Ordinal)
    {
        ["char"] = new("char", PrimitiveKind.Char, 1),
        ["signed char"] = new("char", PrimitiveKind.Char, 1),
        ["unsigned char"] = new("unsigned char", PrimitiveKind.UChar, 1),
        ["UCHAR"] = new("unsigned char", PrimitiveKind.UChar, 1),
        ["BOOLEAN"] = new("unsigned char", PrimitiveKind.UChar, 1),
        ["short"] = new("short", PrimitiveKind.Int, 2),
        ["unsigned short"] = new("unsigned short", PrimitiveKind.UInt, 2),
        ["USHORT"] = new("unsigned short", PrimitiveKind.UInt, 2),
        ["wchar_t"] = new("wchar_t", PrimitiveKind.WChar, 2),
        ["int"] = Int,
        ["unsigned int"] = new("unsigned int", PrimitiveKind.UInt, 4),
        ["unsigned"] = new("unsigned int", PrimitiveKind.UInt, 4),
        ["long"] = new("long", PrimitiveKind.Int, 4),
        ["LONG"] = new("long", PrimitiveKind.Int, 4),
        ["unsigned long"] = new("unsigned long", PrimitiveKind.UInt, 4),
        ["ULONG"] = new("unsigned long", PrimitiveKind.UInt, 4),
        ["__int64"] = Int64,
        ["int64"] = Int64,
        ["long long"] = Int64,
        ["LONG64"] = Int64,
        ["unsigned __int64"] = UInt64,
        ["unsigned int64"] = UInt64,
        ["unsigned long long"] = UInt64,
        ["ULONG64"] = UInt64,
        ["ULONGLONG"] = UInt64,
        ["bool"] = Bool,
        ["float"] = new("float", PrimitiveKind.Float, 4),
        ["double"] = new("double", PrimitiveKind.Float, 8),
        ["void"] = PrimitiveType.Void,
    };

    public static PrimitiveType? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>WinDbg's `??` spelling of a type: C, with 64-bit integers as "int64"/"unsigned int64".</summary>
    public static string Spell(DbgType type)
    {
        string c = Commands.Symbols.CTypeName.Of(type);
        return c.Replace("unsigned long long", "unsigned int64").Replace("unsigned __int64", "unsigned int64")
            .Replace("long long", "int64").Replace("__int64", "int64");
    }

    public static bool IsInteger(DbgType t) => t is PrimitiveType { Primitive: not (PrimitiveKind.Void or PrimitiveKind.Float) } or EnumType;

    public static bool IsSigned(DbgType t) => t is PrimitiveType p ? p.IsSigned && p.Primitive != PrimitiveKind.Float : t is EnumType;
}
