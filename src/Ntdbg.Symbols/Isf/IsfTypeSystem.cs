using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// An ISF table's types as the shared model: user types, enums and base types by name, with one
/// <see cref="DbgType"/> per named type (cached) so recursive structures stay finite and cheap.
/// Anonymous descriptors (pointers, arrays) are built per field; their targets resolve lazily.
/// </summary>
public sealed class IsfTypeSystem(IsfSymbolTable table) : ITypeSystem
{
    private readonly Dictionary<string, DbgType> _named = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public IsfSymbolTable Table { get; } = table;
    public int PointerSize => Table.PointerSize;

    public DbgType? FindType(string name)
    {
        var exact = Named(name);
        if (exact != null) return exact;
        string? match = Table.UserTypes.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            ?? Table.Enums.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        return match != null ? Named(match) : null;
    }

    public IEnumerable<DbgType> MatchTypes(string pattern)
    {
        foreach (var name in Table.UserTypes.Keys.Concat(Table.Enums.Keys).Order(StringComparer.Ordinal))
            if (SymbolWildcard.Matches(pattern, name))
                if (Named(name) is { } t) yield return t;
    }

    /// <summary>The model type for a descriptor from this table (fields, symbols).</summary>
    public DbgType Resolve(IsfTypeRef type) => type.Kind switch
    {
        IsfTypeKind.Pointer => new PointerType(() => ResolveOrVoid(type.Subtype), PointerSize),
        IsfTypeKind.Array => ArrayOf(type),
        IsfTypeKind.Bitfield => ResolveOrVoid(type.Type),
        IsfTypeKind.Function => new FunctionType(() => PrimitiveType.Void, () => []),
        _ => type.Name != null ? Named(type.Name) ?? Missing(type) : PrimitiveType.Void,
    };

    private DbgType ResolveOrVoid(IsfTypeRef? type) => type == null ? PrimitiveType.Void : Resolve(type);

    private ArrayType ArrayOf(IsfTypeRef type)
    {
        ulong count = type.Count > 0 ? (ulong)type.Count : 0;
        ulong size = Table.SizeOf(type) is long s && s > 0 ? (ulong)s : 0;
        return new ArrayType(() => ResolveOrVoid(type.Subtype), count, size);
    }

    // A reference to a name the table does not define: an incomplete UDT keeps the name visible.
    private static UdtType Missing(IsfTypeRef type) =>
        new(type.Name!, type.Kind == IsfTypeKind.Union ? UdtKind.Union : UdtKind.Struct, 0, () => [], isIncomplete: true);

    private DbgType? Named(string name)
    {
        lock (_gate)
        {
            if (_named.TryGetValue(name, out var cached)) return cached;
            DbgType? made = Create(name);
            if (made != null) _named[name] = made;
            return made;
        }
    }

    private DbgType? Create(string name)
    {
        if (Table.TryGetUserType(name) is { } udt)
        {
            var kind = udt.Kind switch { IsfTypeKind.Union => UdtKind.Union, IsfTypeKind.Class => UdtKind.Class, _ => UdtKind.Struct };
            return new UdtType(udt.Name, kind, udt.Size > 0 ? (ulong)udt.Size : 0, () => FieldsOf(udt));
        }
        if (Table.TryGetEnum(name) is { } e)
        {
            var underlying = Named(e.BaseTypeName) ?? new PrimitiveType(e.BaseTypeName, PrimitiveKind.Int, (int)Math.Max(0, e.Size));
            return new EnumType(e.Name, underlying, [.. e.Constants.Select(c => new EnumConstant(c.Name, c.Value))]);
        }
        if (Table.TryGetBaseType(name) is { } b)
        {
            if (name == "pointer") return new PointerType(PrimitiveType.Void, b.Size);
            return new PrimitiveType(name, PrimitiveKindOf(b), b.Size);
        }
        return null;
    }

    private List<UdtField> FieldsOf(IsfUserType udt)
    {
        var fields = new List<UdtField>(udt.Fields.Count);
        foreach (var f in udt.Fields.OrderBy(f => f.Offset))
        {
            var type = Resolve(f.Type);
            ulong offset = f.Offset > 0 ? (ulong)f.Offset : 0;
            fields.Add(f.IsBitfield
                ? new UdtField(f.Name, offset, type, UdtFieldKind.Data, f.Type.BitPosition, f.Type.BitLength)
                : new UdtField(f.Name, offset, type));
        }
        return fields;
    }

    private static PrimitiveKind PrimitiveKindOf(IsfBaseType b) => b.Kind switch
    {
        "void" => PrimitiveKind.Void,
        "bool" => PrimitiveKind.Bool,
        "float" => PrimitiveKind.Float,
        "char" when b.Name.Contains("wchar", StringComparison.OrdinalIgnoreCase) || b.Size == 2 => PrimitiveKind.WChar,
        "char" => b.Signed ? PrimitiveKind.Char : PrimitiveKind.UChar,
        _ when b.Name.Contains("wchar", StringComparison.OrdinalIgnoreCase) => PrimitiveKind.WChar,
        _ when b.Size == 1 && b.Name.Contains("char", StringComparison.OrdinalIgnoreCase) => b.Signed ? PrimitiveKind.Char : PrimitiveKind.UChar,
        _ => b.Signed ? PrimitiveKind.Int : PrimitiveKind.UInt,
    };
}
