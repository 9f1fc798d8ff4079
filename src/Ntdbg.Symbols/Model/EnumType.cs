namespace Ntdbg.Symbols.Model;

public readonly record struct EnumConstant(string Name, long Value);

/// <summary>An enumeration: its underlying integer type and its named constants in declaration order.</summary>
public sealed class EnumType(string name, DbgType underlying, IReadOnlyList<EnumConstant> constants) : DbgType
{
    public override DbgTypeKind Kind => DbgTypeKind.Enum;
    public override string Name { get; } = name;
    public DbgType Underlying { get; } = underlying;
    public override ulong Size => Underlying.Size;
    public IReadOnlyList<EnumConstant> Constants { get; } = constants;

    /// <summary>The first constant with that value, or null (dt prints the number alone then).</summary>
    public string? NameOf(long value)
    {
        foreach (var c in Constants)
            if (c.Value == value) return c.Name;
        return null;
    }
}
