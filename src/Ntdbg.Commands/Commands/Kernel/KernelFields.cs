using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Kernel;

/// <summary>
/// Reads fields of kernel structures (nt!_EPROCESS, _KTHREAD, ...) by the layout the kernel's
/// symbols give, collecting a note for every value the symbols or the dump cannot supply.
/// </summary>
public sealed class KernelFields(DebugSession session, List<string> notes)
{
    /// <summary>The nt type, or null (with a note) when the kernel's symbols do not have it.</summary>
    public UdtType? Type(string name)
    {
        if (session.SymbolTable.FindType("nt!" + name)?.Type is UdtType udt) return udt;
        notes.Add($"nt!{name} is not in the kernel's symbols: its fields are unknown");
        return null;
    }

    /// <summary>The byte offset of a field path ("ActiveProcessLinks"), or null when the type has no such field.</summary>
    public static ulong? OffsetOf(UdtType type, string path) => Locate(type, path) is var (offset, _) ? offset : null;

    /// <summary>Whether the type has a (non-bitfield) field at this "A.B" path.</summary>
    public static bool Has(UdtType type, string path) => Locate(type, path) != null;

    /// <summary>A pointer-sized or smaller field by "A.B" path; null (with a note) when absent or unreadable.</summary>
    public ulong? Read(UdtType? type, ulong address, string path)
    {
        if (type == null) return null;
        if (Locate(type, path) is not var (offset, fieldType))
        {
            notes.Add($"{type.Name} has no field {path}");
            return null;
        }
        int size = (int)fieldType.Size;
        if (size is not (1 or 2 or 4 or 8))
        {
            notes.Add($"{type.Name}.{path} is {size} bytes, not a number");
            return null;
        }
        var bytes = ReadBytes(type, address + offset, size, path);
        if (bytes == null) return null;
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        bytes.CopyTo(b);
        return BitConverter.ToUInt64(b);
    }

    /// <summary>A fixed-size char array field (like ImageFileName) up to its first NUL; null (with a note) when unreadable.</summary>
    public string? ReadAnsi(UdtType? type, ulong address, string path)
    {
        if (type == null) return null;
        if (Locate(type, path) is not var (offset, fieldType))
        {
            notes.Add($"{type.Name} has no field {path}");
            return null;
        }
        // Capped: the field is a short name; a corrupt size must not drive a large read.
        var bytes = ReadBytes(type, address + offset, (int)Math.Min(fieldType.Size, 256), path);
        if (bytes == null) return null;
        int end = Array.IndexOf(bytes, (byte)0);
        return System.Text.Encoding.Latin1.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    private byte[]? ReadBytes(UdtType type, ulong at, int size, string path)
    {
        var bytes = new byte[size];
        if (session.Memory.Read(at, bytes, out var fault) < size)
        {
            notes.Add($"{type.Name}.{path} at {Hex.Pointer(at, session.PointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        return bytes;
    }

    private static (ulong Offset, DbgType Type)? Locate(UdtType type, string path)
    {
        ulong offset = 0;
        DbgType current = type;
        foreach (string part in path.Split('.'))
        {
            if (current is not UdtType udt || udt.GetField(part) is not { IsBitfield: false } f) return null;
            offset += f.Offset;
            current = f.Type;
        }
        return (offset, current);
    }
}
