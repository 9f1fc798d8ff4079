using Ntdbg.Core.Errors;
using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Model;
using Cv = Ntdbg.Formats.Pdb;
using UdtType = Ntdbg.Symbols.Model.UdtType;
using EnumType = Ntdbg.Symbols.Model.EnumType;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// A PDB's TPI stream as the shared type model: one cached <see cref="DbgType"/> per type index
/// (a forward reference shares its definition's), built on first request. Referenced types
/// (pointer targets, array elements, signatures, UDT fields) resolve lazily, so self-referencing
/// structures cost nothing until walked. Hostile graphs stay finite: eager chains (modifiers,
/// bitfields, enum bases, forward references) are depth-capped and cycle-checked, and a type whose
/// anonymous references (pointers, arrays, signatures) loop back on themselves or fan out past a
/// budget becomes an incomplete placeholder, so printing a name never recurses without end.
/// </summary>
public sealed class PdbTypeSystem : ITypeSystem
{
    /// <summary>Type records visited when checking one type's anonymous references for cycles.</summary>
    public const int MaxReferenceWalk = 4096;

    private readonly object _gate;
    private readonly Dictionary<uint, DbgType> _cache = [];
    private readonly HashSet<uint> _building = [];
    private readonly HashSet<uint> _walkPath = [];
    private PdbTypeNames? _names;

    public PdbTypeSystem(PdbFile pdb, object? gate = null)
    {
        Pdb = pdb;
        Stream = pdb.Types;
        _gate = gate ?? new object();
        PointerSize = pdb.Dbi.Machine is 0x14c or 0x1c0 or 0x1c2 or 0x1c4 ? 4 : 8;
    }

    public PdbFile Pdb { get; }

    /// <summary>The TPI stream the types come from.</summary>
    public TypeStream Stream { get; }

    public int PointerSize { get; }

    /// <summary>The model type for a type index (simple or TPI); a placeholder for malformed or cyclic records.</summary>
    public DbgType Resolve(uint typeIndex)
    {
        lock (_gate) return ResolveLocked(typeIndex, 0);
    }

    public DbgType? FindType(string name)
    {
        string trimmed = name.Trim();
        lock (_gate)
        {
            var names = Names;
            if (names.FindExact(trimmed) is uint exact) return ResolveLocked(exact, 0);
            if (PdbPrimitives.ByName.TryGetValue(trimmed, out uint simple)) return ResolveLocked(simple, 0);
            if (names.FindIgnoreCase(trimmed) is uint loose) return ResolveLocked(loose, 0);
            foreach (var (primitive, index) in PdbPrimitives.ByName)
                if (string.Equals(primitive, trimmed, StringComparison.OrdinalIgnoreCase)) return ResolveLocked(index, 0);
            return null;
        }
    }

    public IEnumerable<DbgType> MatchTypes(string pattern)
    {
        IReadOnlyList<(string Name, uint Index)> all;
        lock (_gate) all = Names.Sorted;
        foreach (var (name, index) in all)
            if (SymbolWildcard.Matches(pattern, name)) yield return Resolve(index);
    }

    /// <summary>Type indices of every UDT definition (not forward references), one per name, in name order.</summary>
    public IReadOnlyList<uint> UdtDefinitions()
    {
        lock (_gate)
            return [.. Names.Sorted.Where(n => Stream.Get(n.Index) is Cv.UdtType { IsForwardReference: false }).Select(n => n.Index)];
    }

    private PdbTypeNames Names => _names ??= PdbTypeNames.Build(Stream);

    private DbgType ResolveLocked(uint ti, int depth)
    {
        if (_cache.TryGetValue(ti, out var cached)) return cached;
        if (SimpleTypes.IsSimple(ti)) return _cache[ti] = PdbPrimitives.Create(ti);
        if (depth > PdbLimits.MaxTypeChain) return Placeholder(ti, "refers through too many types");
        // Reached again while it is being built: an eager cycle (modifier of itself, enum based on itself).
        if (!_building.Add(ti)) return Placeholder(ti, "is cyclic");
        DbgType made;
        try
        {
            made = Create(ti, depth);
        }
        catch (DumpFormatException e)
        {
            made = Placeholder(ti, "is malformed: " + e.Problem);
        }
        finally
        {
            _building.Remove(ti);
        }
        return _cache[ti] = made;
    }

    private DbgType Create(uint ti, int depth)
    {
        var record = Stream.Get(ti);
        switch (record)
        {
            case Cv.UdtType u when u.IsForwardReference:
                {
                    uint full = Stream.ResolveForward(ti);
                    return full != ti ? ResolveLocked(full, depth + 1) : new UdtType(u.Name, UdtKindOf(u), 0, () => [], isIncomplete: true);
                }
            case Cv.UdtType u:
                return new UdtType(u.Name, UdtKindOf(u), u.Size, () => FieldsOf(u));
            case Cv.EnumType e when e.IsForwardReference && Stream.ResolveForward(ti) is uint full && full != ti:
                return ResolveLocked(full, depth + 1);
            case Cv.EnumType e:
                return new EnumType(e.Name, ResolveLocked(e.UnderlyingType, depth + 1), EnumConstants(e));
            case Cv.ModifierType m:
                // The model has no qualifiers: a const/volatile T is T.
                return ResolveLocked(m.Referent, depth + 1);
            case Cv.BitfieldType b:
                return ResolveLocked(b.Type, depth + 1);
            case Cv.PointerType p:
                if (!ReferencesAreFinite(ti)) return Placeholder(ti, "is cyclic");
                return new Model.PointerType(() => Resolve(p.Referent), p.Size, p.IsReference);
            case Cv.ArrayType a:
                {
                    if (!ReferencesAreFinite(ti)) return Placeholder(ti, "is cyclic");
                    ulong element = SafeSizeOf(a.ElementType);
                    return new Model.ArrayType(() => Resolve(a.ElementType), element == 0 ? 0 : a.Size / element, a.Size);
                }
            case ProcedureType f:
                if (!ReferencesAreFinite(ti)) return Placeholder(ti, "is cyclic");
                return new FunctionType(() => Resolve(f.ReturnType), () => Arguments(f.ArgumentList), CallingConvention(f.CallingConvention));
            case MemberFunctionType f:
                if (!ReferencesAreFinite(ti)) return Placeholder(ti, "is cyclic");
                return new FunctionType(() => Resolve(f.ReturnType), () => Arguments(f.ArgumentList), CallingConvention(f.CallingConvention));
            case null:
                return Placeholder(ti, "is outside the type stream");
            default:
                return Placeholder(ti, $"is a {record.LeafName}, not a data type");
        }
    }

    private List<UdtField> FieldsOf(Cv.UdtType u)
    {
        lock (_gate)
        {
            var fields = new List<UdtField>();
            foreach (var m in Stream.FieldListMembers(u.FieldList))
            {
                ulong offset = m.Offset > 0 ? (ulong)m.Offset : 0;
                switch (m.Leaf)
                {
                    case TypeLeaf.LF_MEMBER:
                        if (!SimpleTypes.IsSimple(m.Type) && SafeGet(m.Type) is BitfieldType b)
                            fields.Add(new UdtField(m.Name, offset, ResolveLocked(b.Type, 1), UdtFieldKind.Data, b.Position, b.Length));
                        else
                            fields.Add(new UdtField(m.Name, offset, ResolveLocked(m.Type, 0)));
                        break;
                    case TypeLeaf.LF_BCLASS:
                        {
                            var baseType = ResolveLocked(m.Type, 0);
                            fields.Add(new UdtField(baseType.Name, offset, baseType, UdtFieldKind.BaseClass));
                            break;
                        }
                    case TypeLeaf.LF_VFUNCTAB:
                        fields.Add(new UdtField("__VFN_table", offset, new Model.PointerType(PrimitiveType.Void, PointerSize), UdtFieldKind.VTablePointer));
                        break;
                    case TypeLeaf.LF_STMEMBER:
                        fields.Add(new UdtField(m.Name, 0, ResolveLocked(m.Type, 0), UdtFieldKind.Static));
                        break;
                }
            }
            return fields;
        }
    }

    private List<EnumConstant> EnumConstants(Cv.EnumType e)
    {
        var list = new List<EnumConstant>();
        foreach (var m in Stream.FieldListMembers(e.FieldList))
            if (m.Leaf == TypeLeaf.LF_ENUMERATE) list.Add(new EnumConstant(m.Name, m.Value));
        return list;
    }

    private List<DbgType> Arguments(uint argumentList)
    {
        lock (_gate)
        {
            if (SafeGet(argumentList) is not ArgListType args) return [];
            var list = new List<DbgType>(args.Arguments.Count);
            // T_NOTYPE in an argument list marks the variadic "..." (the record's count leaves it out or not).
            foreach (uint a in args.Arguments) list.Add(a == 0 ? Ellipsis : ResolveLocked(a, 0));
            return list;
        }
    }

    /// <summary>
    /// Whether following a type's anonymous references (pointer referents, modifier and array
    /// element types, bitfield bases, return and argument types) reaches named types without
    /// coming back to a type on the current path, within <see cref="MaxReferenceWalk"/> visits.
    /// Names of such types are built from their references, so only then is printing one finite.
    /// </summary>
    private bool ReferencesAreFinite(uint ti)
    {
        int budget = MaxReferenceWalk;
        var path = _walkPath; // reused: callers hold the lock
        path.Clear();
        return Walk(ti);

        bool Walk(uint t)
        {
            if (SimpleTypes.IsSimple(t)) return true;
            if (--budget < 0 || path.Count > PdbLimits.MaxTypeChain || !path.Add(t)) return false;
            bool ok = SafeGet(t) switch
            {
                Cv.PointerType p => Walk(p.Referent),
                Cv.ModifierType m => Walk(m.Referent),
                Cv.ArrayType a => Walk(a.ElementType),
                BitfieldType b => Walk(b.Type),
                ProcedureType f => Walk(f.ReturnType) && WalkArguments(f.ArgumentList),
                MemberFunctionType f => Walk(f.ReturnType) && WalkArguments(f.ArgumentList),
                _ => true, // UDTs, enums and unreadable records end the chain (their names are stored).
            };
            path.Remove(t);
            return ok;
        }

        bool WalkArguments(uint list)
        {
            if (SafeGet(list) is not ArgListType args) return true;
            foreach (uint a in args.Arguments)
                if (!Walk(a)) return false;
            return true;
        }
    }

    private TypeRecord? SafeGet(uint ti)
    {
        try { return Stream.Get(ti); }
        catch (DumpFormatException) { return null; }
    }

    private ulong SafeSizeOf(uint ti)
    {
        try { return Stream.SizeOf(ti); }
        catch (DumpFormatException) { return 0; }
    }

    /// <summary>The "..." of a variadic signature, as a parameter.</summary>
    public static readonly PrimitiveType Ellipsis = new("...", PrimitiveKind.Void, 0);

    /// <summary>An incomplete structure standing for a type that cannot be built; its name says why.</summary>
    private static UdtType Placeholder(uint ti, string why) =>
        new($"<type 0x{ti:x} {why}>", UdtKind.Struct, 0, () => [], isIncomplete: true);

    private static UdtKind UdtKindOf(Cv.UdtType u) => u.Leaf switch
    {
        TypeLeaf.LF_CLASS => UdtKind.Class,
        TypeLeaf.LF_UNION => UdtKind.Union,
        _ => UdtKind.Struct,
    };

    /// <summary>CV_call_e to the keyword C uses ("" for conventions C has no keyword for).</summary>
    public static string CallingConvention(byte cv) => cv switch
    {
        0x00 or 0x01 => "__cdecl",
        0x02 or 0x03 => "__pascal",
        0x04 or 0x05 => "__fastcall",
        0x07 or 0x08 => "__stdcall",
        0x0b => "__thiscall",
        0x16 => "__clrcall",
        0x18 => "__vectorcall",
        _ => "",
    };
}
