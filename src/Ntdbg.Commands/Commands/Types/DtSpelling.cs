using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// Types spelled as `dt` prints them: "Uint4B", "Int8B", "UChar", "Wchar", "Ptr64 _KTHREAD",
/// "Ptr32 Void", "[4] Uint8B", "Ptr64     void" (a function pointer: its return type, C spelling).
/// </summary>
public static class DtSpelling
{
    private const int MaxDepth = 16;

    public static string Of(DbgType type) => Of(type, 0);

    private static string Of(DbgType type, int depth)
    {
        if (depth > MaxDepth) return "...";
        return type switch
        {
            PrimitiveType p => Primitive(p),
            PointerType p when p.Target is FunctionType f => $"Ptr{p.PointerSize * 8}     {ReturnName(f)}",
            PointerType p => $"Ptr{p.PointerSize * 8} {Of(p.Target, depth + 1)}",
            ArrayType a => $"[{a.Count}] {Of(a.Element, depth + 1)}",
            FunctionType f => ReturnName(f),
            _ => type.Name,
        };
    }

    private static string ReturnName(FunctionType f) => f.ReturnType is PrimitiveType { Primitive: PrimitiveKind.Void } ? "void" : f.ReturnType.Name;

    public static string Primitive(PrimitiveType p) => p.Primitive switch
    {
        PrimitiveKind.Void => "Void",
        PrimitiveKind.Bool => "Bool",
        PrimitiveKind.Char => "Char",
        PrimitiveKind.UChar => "UChar",
        PrimitiveKind.WChar or PrimitiveKind.Char16 => "Wchar",
        PrimitiveKind.Char32 => "Uint4B",
        PrimitiveKind.Int or PrimitiveKind.HResult => $"Int{p.Size}B",
        PrimitiveKind.UInt => $"Uint{p.Size}B",
        PrimitiveKind.Float => p.Size == 4 ? "Float" : "Float8B",
        _ => p.Name,
    };

    /// <summary>The bitfield column: "Pos 0, 1 Bit", "Pos 3, 5 Bits".</summary>
    public static string Bitfield(UdtField f) => $"Pos {f.BitPosition}, {f.BitLength} Bit{(f.BitLength == 1 ? "" : "s")}";

    /// <summary>-v's description of a UDT: "struct _LIST_ENTRY, 2 elements, 0x10 bytes".</summary>
    public static string Verbose(UdtType u) =>
        $"{(u.UdtKind switch { UdtKind.Union => "union", UdtKind.Class => "class", _ => "struct" })} {u.Name}, {u.Fields.Count} elements, 0x{u.Size:x} bytes";
}
