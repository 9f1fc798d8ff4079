using Ntdbg.Commands.Language;
using System.Buffers.Binary;
using System.Globalization;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>
/// The value `x` prints after "=" for a typed global: integers as WinDbg writes them (signed
/// "0n5", unsigned "0x5"), pointers as addresses, and the type's name for structures and arrays.
/// Unreadable memory gives "&lt;Memory access error&gt;" — never a made-up zero.
/// </summary>
public static class SymbolValueText
{
    public static string Format(DebugSession session, DbgType type, ulong address)
    {
        switch (type)
        {
            case PrimitiveType p when p.Primitive != PrimitiveKind.Void && p.Size is > 0 and <= 8:
                return Read(session, address, (int)p.Size, out ulong bits) ? Primitive(p, bits) : MemoryError;
            case EnumType e when e.Size is > 0 and <= 8:
                {
                    if (!Read(session, address, (int)e.Size, out ulong raw)) return MemoryError;
                    long value = Integers.SignExtend(raw, (int)e.Size);
                    string? name = e.NameOf(value);
                    return name != null ? $"{name} (0n{value})" : $"0n{value}";
                }
            case PointerType p:
                return Read(session, address, p.PointerSize, out ulong ptr) ? "0x" + Hex.Pointer(ptr, p.PointerSize) : MemoryError;
            default:
                return CTypeName.Of(type);
        }
    }

    /// <summary>
    /// A scalar's value from its bits (a variable held in a register), as <see cref="Format"/>
    /// prints it from memory; null for types that are not scalars (structures, arrays).
    /// </summary>
    public static string? FromBits(DbgType type, ulong bits)
    {
        switch (type)
        {
            case PrimitiveType p when p.Primitive != PrimitiveKind.Void && p.Size is > 0 and <= 8:
                return Primitive(p, p.Size == 8 ? bits : bits & ((1UL << (8 * (int)p.Size)) - 1));
            case EnumType e when e.Size is > 0 and <= 8:
                {
                    long value = Integers.SignExtend(e.Size == 8 ? bits : bits & ((1UL << (8 * (int)e.Size)) - 1), (int)e.Size);
                    string? name = e.NameOf(value);
                    return name != null ? $"{name} (0n{value})" : $"0n{value}";
                }
            case PointerType p:
                return "0x" + Hex.Pointer(p.PointerSize == 4 ? bits & 0xFFFFFFFF : bits, p.PointerSize);
            default:
                return null;
        }
    }

    private const string MemoryError = "<Memory access error>";

    private static string Primitive(PrimitiveType p, ulong raw)
    {
        int size = (int)p.Size;
        switch (p.Primitive)
        {
            case PrimitiveKind.Bool:
                return raw != 0 ? "true" : "false";
            case PrimitiveKind.Float when size == 4:
                return BitConverter.Int32BitsToSingle((int)raw).ToString(CultureInfo.InvariantCulture);
            case PrimitiveKind.Float when size == 8:
                return BitConverter.Int64BitsToDouble((long)raw).ToString(CultureInfo.InvariantCulture);
            case PrimitiveKind.Char or PrimitiveKind.UChar or PrimitiveKind.WChar when raw is >= 0x20 and < 0x7f:
                return $"0n{(p.IsSigned ? Integers.SignExtend(raw, size) : (long)raw)} '{(char)raw}'";
            default:
                return p.IsSigned ? $"0n{Integers.SignExtend(raw, size)}" : $"0x{raw:x}";
        }
    }


    private static bool Read(DebugSession session, ulong address, int size, out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        value = 0;
        if (session.Memory.Read(address, b[..size], out _) < size) return false;
        value = BinaryPrimitives.ReadUInt64LittleEndian(b);
        return true;
    }
}
