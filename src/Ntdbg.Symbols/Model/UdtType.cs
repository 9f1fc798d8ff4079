namespace Ntdbg.Symbols.Model;

public enum UdtKind
{
    Struct,
    Class,
    Union,
}

/// <summary>
/// A structure, class or union. Fields are produced on first use (a PDB field list or an ISF
/// "fields" object), in declaration order, base classes first.
/// </summary>
public sealed class UdtType : DbgType
{
    private readonly Lazy<IReadOnlyList<UdtField>> _fields;

    public UdtType(string name, UdtKind udtKind, ulong size, Func<IReadOnlyList<UdtField>> fields, bool isIncomplete = false)
    {
        Name = name;
        UdtKind = udtKind;
        Size = size;
        IsIncomplete = isIncomplete;
        _fields = new Lazy<IReadOnlyList<UdtField>>(fields, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public override DbgTypeKind Kind => DbgTypeKind.Udt;
    public override string Name { get; }
    public UdtKind UdtKind { get; }
    public override ulong Size { get; }

    /// <summary>A forward reference no definition was found for: name only, no size, no fields.</summary>
    public bool IsIncomplete { get; }

    public IReadOnlyList<UdtField> Fields => _fields.Value;

    /// <summary>The first field of that name (case-sensitive, then case-insensitive), data members only.</summary>
    public UdtField? GetField(string name) =>
        Fields.FirstOrDefault(f => f.Name == name && f.FieldKind == UdtFieldKind.Data)
        ?? Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase) && f.FieldKind == UdtFieldKind.Data);
}
