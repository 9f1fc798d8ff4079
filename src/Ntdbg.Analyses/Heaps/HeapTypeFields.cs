using Ntdbg.Symbols.Model;

namespace Ntdbg.Analyses.Heaps;

/// <summary>
/// Field offsets of the heap types as the symbols give them ("Counters.LockCollisions" walks into
/// embedded structures). Every type or field that is absent is collected in <see cref="Missing"/>, so
/// a walker can name all of them in one note instead of failing on the first.
/// </summary>
public sealed class HeapTypeFields(Func<string, UdtType?> findType)
{
    public List<string> Missing { get; } = [];

    /// <summary>A complete structure by name, or null (and recorded as missing).</summary>
    public UdtType? Type(string name, bool required = true)
    {
        if (findType(name) is { IsIncomplete: false } udt) return udt;
        if (required) Missing.Add(name);
        return null;
    }

    /// <summary>The byte offset of a field path, or 0 with the path recorded as missing.</summary>
    public ulong Offset(UdtType? type, string path) => Optional(type, path) ?? Record(type, path);

    /// <summary>The byte offset of a field path, or null when this build's type lacks it (layouts differ).</summary>
    public static ulong? Optional(UdtType? type, string path)
    {
        ulong offset = 0;
        DbgType? current = type;
        foreach (string name in path.Split('.'))
        {
            if (current is not UdtType udt || udt.GetField(name) is not { } field) return null;
            offset += field.Offset;
            current = field.Type;
        }
        return offset;
    }

    /// <summary>The size of the field at a path (0 when absent).</summary>
    public static ulong SizeOf(UdtType? type, string path)
    {
        DbgType? current = type;
        foreach (string name in path.Split('.'))
        {
            if (current is not UdtType udt || udt.GetField(name) is not { } field) return 0;
            current = field.Type;
        }
        return current?.Size ?? 0;
    }

    /// <summary>A bitfield's byte offset, first bit and width; null when absent or not a bitfield.</summary>
    public static (ulong Offset, int Position, int Length)? Bits(UdtType? type, string path)
    {
        int dot = path.LastIndexOf('.');
        ulong outer = dot < 0 ? 0 : Optional(type, path[..dot]) ?? ulong.MaxValue;
        DbgType? owner = type;
        if (dot >= 0)
            foreach (string name in path[..dot].Split('.')) owner = (owner as UdtType)?.GetField(name)?.Type;
        if (outer == ulong.MaxValue || owner is not UdtType udt || udt.GetField(path[(dot + 1)..]) is not { IsBitfield: true } field) return null;
        return (outer + field.Offset, field.BitPosition, field.BitLength);
    }

    private ulong Record(UdtType? type, string path)
    {
        if (type != null) Missing.Add($"{type.Name}.{path}");
        return 0;
    }
}
