namespace Ntdbg.Symbols.Isf;

/// <summary>
/// A struct, union or class from <c>user_types</c>. <see cref="Fields"/> are sorted by offset,
/// then bit position, then name: ISF keeps members in a JSON object, so declaration order is lost.
/// </summary>
public sealed class IsfUserType
{
    private readonly Dictionary<string, IsfField> _byName;

    public IsfUserType(string name, IsfTypeKind kind, long size, IReadOnlyList<IsfField> fields)
    {
        Name = name;
        Kind = kind;
        Size = size;
        Fields = fields;
        _byName = new Dictionary<string, IsfField>(fields.Count, StringComparer.Ordinal);
        foreach (var f in fields) _byName[f.Name] = f;
    }

    public string Name { get; }
    /// <summary><see cref="IsfTypeKind.Struct"/>, <see cref="IsfTypeKind.Union"/> or <see cref="IsfTypeKind.Class"/>.</summary>
    public IsfTypeKind Kind { get; }
    public long Size { get; }
    public IReadOnlyList<IsfField> Fields { get; }

    public IsfField? GetField(string name) => _byName.GetValueOrDefault(name);
}
