namespace Ntdbg.Symbols.Isf;

/// <summary>One named value of an enumeration.</summary>
public readonly record struct IsfEnumConstant(string Name, long Value);

/// <summary>An enumeration from <c>enums</c>: storage base type, size and constants (sorted by value, then name).</summary>
public sealed class IsfEnum
{
    public IsfEnum(string name, string baseTypeName, long size, IReadOnlyList<IsfEnumConstant> constants)
    {
        Name = name;
        BaseTypeName = baseTypeName;
        Size = size;
        Constants = constants;
    }

    public string Name { get; }
    public string BaseTypeName { get; }
    public long Size { get; }
    public IReadOnlyList<IsfEnumConstant> Constants { get; }

    public bool TryGetValue(string constant, out long value)
    {
        foreach (var c in Constants)
            if (c.Name == constant) { value = c.Value; return true; }
        value = 0;
        return false;
    }

    /// <summary>The constants with this value (several names may share one value).</summary>
    public IEnumerable<string> NamesOf(long value) => Constants.Where(c => c.Value == value).Select(c => c.Name);
}
