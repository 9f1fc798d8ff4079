using Ntdbg.Commands.Language;
using System.Buffers.Binary;
using System.Text;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// A member's value as `dt` prints it: signed integers "0n30", unsigned "0xff" (zero as "0"),
/// characters "0x14 ''", pointers "0xfffffa81`3ba0c060 _DEVICE_OBJECT" or "(null)", enums
/// "1 ( RaidUnitObject )", bitfields "0y011", list heads "_LIST_ENTRY [ 0x… - 0x… ]", other
/// embedded structures by type name. Unreadable memory is "??" (the caller notes where and why).
/// </summary>
public sealed class DtValueFormatter(IVirtualMemory memory, int pointerSize, Func<ulong, string?> describe)
{
    public string Format(DbgType type, ulong address, UdtField? field, out MemoryFault? fault)
    {
        fault = null;
        if (field is { IsBitfield: true })
        {
            int unit = (int)Math.Clamp(type.Size, 1, 8);
            if (!TryRead(address, unit, out ulong raw, out fault)) return "??";
            ulong bits = (raw >> field.BitPosition) & (field.BitLength >= 64 ? ulong.MaxValue : (1UL << field.BitLength) - 1);
            return "0y" + Convert.ToString((long)bits, 2).PadLeft(field.BitLength, '0');
        }
        switch (type)
        {
            case PrimitiveType p:
                return Primitive(p, address, out fault);
            case EnumType e:
                {
                    int size = (int)Math.Clamp(e.Size, 1, 8);
                    if (!TryRead(address, size, out ulong raw, out fault)) return "??";
                    long value = Integers.SignExtend(raw, size);
                    string? name = e.NameOf(value);
                    return name != null ? $"{value} ( {name} )" : $"{value}";
                }
            case PointerType ptr:
                {
                    if (!TryRead(address, ptr.PointerSize, out ulong value, out fault)) return "??";
                    if (value == 0) return "(null)";
                    string target = ptr.Target switch
                    {
                        FunctionType f => $"     {(f.ReturnType is PrimitiveType { Primitive: PrimitiveKind.Void } ? "void" : f.ReturnType.Name)}  {describe(value) ?? ""}".TrimEnd(),
                        PrimitiveType { Primitive: PrimitiveKind.Void } => " Void",
                        var t => " " + DtSpelling.Of(t),
                    };
                    return "0x" + Hex.Pointer(value, ptr.PointerSize) + target;
                }
            case ArrayType a when a.Element is PrimitiveType { Primitive: PrimitiveKind.Char or PrimitiveKind.UChar } && a.Count > 0:
                return $"[{a.Count}]  \"{ReadString(address, (int)Math.Min(a.Count, 256), 1, out fault)}\"";
            case ArrayType a when a.Element is PrimitiveType { Primitive: PrimitiveKind.WChar } && a.Count > 0:
                return $"[{a.Count}]  \"{ReadString(address, (int)Math.Min(a.Count, 256), 2, out fault)}\"";
            case ArrayType a when a.Element is UdtType:
                return DtSpelling.Of(a);
            case ArrayType a:
                return $"[{a.Count}] {(a.Count > 0 && a.Element.Size > 0 ? Format(a.Element, address, null, out fault) : DtSpelling.Of(a.Element))}";
            case UdtType u when IsListEntry(u):
                {
                    if (!TryRead(address, pointerSize, out ulong flink, out fault) || !TryRead(address + (ulong)pointerSize, pointerSize, out ulong blink, out fault))
                        return $"{u.Name} [ ?? - ?? ]";
                    return $"{u.Name} [ 0x{Hex.Pointer(flink, pointerSize)} - 0x{Hex.Pointer(blink, pointerSize)} ]";
                }
            default:
                return DtSpelling.Of(type);
        }
    }

    public static bool IsListEntry(UdtType u) =>
        u.Name is "_LIST_ENTRY" or "LIST_ENTRY" or "_LIST_ENTRY64" or "_LIST_ENTRY32"
        && u.Fields.Count == 2 && u.Fields[0].Name == "Flink" && u.Fields[1].Name == "Blink";

    private string Primitive(PrimitiveType p, ulong address, out MemoryFault? fault)
    {
        fault = null;
        int size = (int)p.Size;
        if (size is < 1 or > 8) return p.Primitive == PrimitiveKind.Void ? "Void" : DtSpelling.Primitive(p);
        if (!TryRead(address, size, out ulong raw, out fault)) return "??";
        switch (p.Primitive)
        {
            case PrimitiveKind.Int or PrimitiveKind.HResult:
                return $"0n{Integers.SignExtend(raw, size)}";
            case PrimitiveKind.Char or PrimitiveKind.UChar:
                return $"{Unsigned(raw)} {CharText((char)raw)}";
            case PrimitiveKind.WChar or PrimitiveKind.Char16:
                return $"{Unsigned(raw)} {CharText((char)raw)}";
            case PrimitiveKind.Bool:
                return raw != 0 ? "1" : "0";
            case PrimitiveKind.Float:
                double d = size == 4 ? BitConverter.Int32BitsToSingle((int)raw) : BitConverter.Int64BitsToDouble((long)raw);
                return d.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
            default:
                return Unsigned(raw);
        }
    }

    private static string Unsigned(ulong v) => v == 0 ? "0" : $"0x{v:x}";

    private static string CharText(char c) => c is >= ' ' and < (char)0x7f ? $"'{c}'" : "''";


    private bool TryRead(ulong address, int size, out ulong value, out MemoryFault? fault)
    {
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        value = 0;
        if (memory.Read(address, b[..size], out fault) < size)
        {
            fault ??= new MemoryFault(address, MemoryFaultKind.NotInDump, "read stopped", memory.Name);
            return false;
        }
        value = BinaryPrimitives.ReadUInt64LittleEndian(b);
        return true;
    }

    private string ReadString(ulong address, int count, int charSize, out MemoryFault? fault)
    {
        var bytes = new byte[count * charSize];
        int n = memory.Read(address, bytes, out fault);
        var sb = new StringBuilder();
        for (int i = 0; i + charSize <= n; i += charSize)
        {
            char c = charSize == 1 ? (char)bytes[i] : (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i));
            if (c == 0) break;
            sb.Append(c is >= ' ' and < (char)0x7f ? c : '?');
        }
        if (n < bytes.Length && sb.Length * charSize == n) return sb + "??";
        fault = null;
        return sb.ToString();
    }
}
