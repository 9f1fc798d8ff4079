using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// CodeView simple types (indices below 0x1000) as model primitives with their C names, and the
/// C names users type (`dt unsigned long`) back to simple type indices.
/// </summary>
public static class PdbPrimitives
{
    /// <summary>The C spelling of a simple type kind (the low byte of a simple type index).</summary>
    public static string CName(int kind) => kind switch
    {
        0x75 => "unsigned int",
        0x00 => "void",
        _ => SimpleTypes.KindName(kind),
    };

    public static PrimitiveKind KindOf(int kind) => kind switch
    {
        0x00 or 0x03 => PrimitiveKind.Void,
        0x08 => PrimitiveKind.HResult,
        0x10 or 0x70 or 0x68 => PrimitiveKind.Char,
        0x20 or 0x69 or 0x7c => PrimitiveKind.UChar,
        0x71 => PrimitiveKind.WChar,
        0x7a => PrimitiveKind.Char16,
        0x7b => PrimitiveKind.Char32,
        0x30 or 0x31 or 0x32 or 0x33 => PrimitiveKind.Bool,
        0x40 or 0x41 or 0x42 or 0x43 or 0x44 or 0x45 or 0x46 or 0x50 or 0x51 or 0x52 or 0x53 => PrimitiveKind.Float,
        0x21 or 0x22 or 0x23 or 0x24 or 0x73 or 0x75 or 0x77 or 0x79 => PrimitiveKind.UInt,
        0x11 or 0x12 or 0x13 or 0x14 or 0x72 or 0x74 or 0x76 or 0x78 => PrimitiveKind.Int,
        _ => PrimitiveKind.Void,
    };

    /// <summary>The model type of a simple type index: a primitive, or a pointer to one for the pointer modes.</summary>
    public static DbgType Create(uint typeIndex)
    {
        int kind = SimpleTypes.Kind(typeIndex), mode = SimpleTypes.Mode(typeIndex);
        var primitive = kind == 0x03 ? PrimitiveType.Void : new PrimitiveType(CName(kind), KindOf(kind), SimpleTypes.KindSize(kind));
        int pointerSize = SimpleTypes.PointerSize(mode);
        return mode == 0 || pointerSize == 0 ? primitive : new Model.PointerType(primitive, pointerSize);
    }

    /// <summary>C names (and the usual synonyms) to the direct simple type index.</summary>
    public static readonly IReadOnlyDictionary<string, uint> ByName = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["void"] = 0x03,
        ["HRESULT"] = 0x08,
        ["signed char"] = 0x10,
        ["unsigned char"] = 0x20,
        ["char"] = 0x70,
        ["wchar_t"] = 0x71,
        ["char16_t"] = 0x7a,
        ["char32_t"] = 0x7b,
        ["char8_t"] = 0x7c,
        ["__int8"] = 0x68,
        ["unsigned __int8"] = 0x69,
        ["short"] = 0x11,
        ["unsigned short"] = 0x21,
        ["__int16"] = 0x72,
        ["unsigned __int16"] = 0x73,
        ["long"] = 0x12,
        ["unsigned long"] = 0x22,
        ["int"] = 0x74,
        ["unsigned int"] = 0x75,
        ["unsigned"] = 0x75,
        ["__int32"] = 0x74,
        ["unsigned __int32"] = 0x75,
        ["__int64"] = 0x13,
        ["unsigned __int64"] = 0x23,
        ["long long"] = 0x13,
        ["unsigned long long"] = 0x23,
        ["__int128"] = 0x14,
        ["unsigned __int128"] = 0x24,
        ["float"] = 0x40,
        ["double"] = 0x41,
        ["long double"] = 0x42,
        ["bool"] = 0x30,
    };
}
