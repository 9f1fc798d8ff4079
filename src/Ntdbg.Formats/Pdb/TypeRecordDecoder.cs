namespace Ntdbg.Formats.Pdb;

/// <summary>Decodes one type or id record body (after its length and leaf fields).</summary>
internal static class TypeRecordDecoder
{
    public static TypeRecord Decode(uint index, ushort leaf, PdbReader r)
    {
        switch (leaf)
        {
            case TypeLeaf.LF_CLASS:
            case TypeLeaf.LF_STRUCTURE:
            case TypeLeaf.LF_INTERFACE:
                {
                    ushort count = r.U16("member count");
                    var props = (TypeProperties)r.U16("properties");
                    uint fields = r.U32("field list");
                    uint derived = r.U32("derivation list");
                    uint vshape = r.U32("vtable shape");
                    ulong size = (ulong)NumericLeaf.Read(ref r, "class size");
                    string name = r.CString("class name");
                    string? unique = (props & TypeProperties.HasUniqueName) != 0 && !r.AtEnd ? r.CString("unique name") : null;
                    return new UdtType(index, leaf, count, props, fields, derived, vshape, size, name, unique);
                }
            case TypeLeaf.LF_UNION:
                {
                    ushort count = r.U16("member count");
                    var props = (TypeProperties)r.U16("properties");
                    uint fields = r.U32("field list");
                    ulong size = (ulong)NumericLeaf.Read(ref r, "union size");
                    string name = r.CString("union name");
                    string? unique = (props & TypeProperties.HasUniqueName) != 0 && !r.AtEnd ? r.CString("unique name") : null;
                    return new UdtType(index, leaf, count, props, fields, 0, 0, size, name, unique);
                }
            case TypeLeaf.LF_ENUM:
                {
                    ushort count = r.U16("enumerator count");
                    var props = (TypeProperties)r.U16("properties");
                    uint underlying = r.U32("underlying type");
                    uint fields = r.U32("field list");
                    string name = r.CString("enum name");
                    string? unique = (props & TypeProperties.HasUniqueName) != 0 && !r.AtEnd ? r.CString("unique name") : null;
                    return new EnumType(index, leaf, count, props, underlying, fields, name, unique);
                }
            case TypeLeaf.LF_POINTER:
                {
                    uint referent = r.U32("pointer referent");
                    uint attrs = r.U32("pointer attributes");
                    int mode = (int)((attrs >> 5) & 7);
                    uint containing = mode is 2 or 3 && r.Remaining >= 4 ? r.U32("member pointer class") : 0;
                    return new PointerType(index, referent, attrs, containing);
                }
            case TypeLeaf.LF_MODIFIER:
                return new ModifierType(index, r.U32("modified type"), r.U16("modifiers"));
            case TypeLeaf.LF_ARRAY:
                {
                    uint element = r.U32("element type");
                    uint indexType = r.U32("index type");
                    ulong size = (ulong)NumericLeaf.Read(ref r, "array size");
                    string name = r.AtEnd ? "" : r.CString("array name");
                    return new ArrayType(index, element, indexType, size, name);
                }
            case TypeLeaf.LF_BITFIELD:
                {
                    uint type = r.U32("bitfield type");
                    byte length = r.U8("bitfield length");
                    byte position = r.U8("bitfield position");
                    return new BitfieldType(index, type, length, position);
                }
            case TypeLeaf.LF_PROCEDURE:
                return new ProcedureType(index, r.U32("return type"), r.U8("calling convention"), r.U8("function options"),
                    r.U16("parameter count"), r.U32("argument list"));
            case TypeLeaf.LF_MFUNCTION:
                return new MemberFunctionType(index, r.U32("return type"), r.U32("class type"), r.U32("this type"),
                    r.U8("calling convention"), r.U8("function options"), r.U16("parameter count"), r.U32("argument list"),
                    r.I32("this adjust"));
            case TypeLeaf.LF_ARGLIST:
                {
                    uint count = r.U32("argument count");
                    if (count > (uint)r.Remaining / 4) throw r.Error($"argument list count {count} does not fit the record");
                    var args = new uint[count];
                    for (int i = 0; i < args.Length; i++) args[i] = r.U32("argument type");
                    return new ArgListType(index, args);
                }
            case TypeLeaf.LF_FIELDLIST:
                return DecodeFieldList(index, r);
            case TypeLeaf.LF_METHODLIST:
                {
                    var list = new List<MethodListEntry>();
                    while (r.Remaining >= 8)
                    {
                        ushort attrs = r.U16("method attributes");
                        r.U16("method padding");
                        uint type = r.U32("method type");
                        int mprop = (attrs >> 2) & 7;
                        int vtoff = mprop is 4 or 6 ? r.I32("vtable offset") : -1;
                        list.Add(new MethodListEntry(attrs, type, vtoff));
                    }
                    return new MethodListType(index, list);
                }
            case TypeLeaf.LF_FUNC_ID:
            case TypeLeaf.LF_MFUNC_ID:
                return new FunctionIdRecord(index, leaf, r.U32("scope"), r.U32("function type"), r.CString("function name"));
            case TypeLeaf.LF_STRING_ID:
                return new StringIdRecord(index, r.U32("substring list"), r.CString("string"));
            case TypeLeaf.LF_UDT_SRC_LINE:
                return new UdtSourceLineRecord(index, leaf, r.U32("UDT"), r.U32("source file"), r.U32("line"), 0);
            case TypeLeaf.LF_UDT_MOD_SRC_LINE:
                return new UdtSourceLineRecord(index, leaf, r.U32("UDT"), r.U32("source file"), r.U32("line"), r.U16("module"));
            default:
                return new UnknownTypeRecord(index, leaf);
        }
    }

    private static FieldListType DecodeFieldList(uint index, PdbReader r)
    {
        var members = new List<FieldMember>();
        uint continuation = 0;
        while (!r.AtEnd)
        {
            // Padding bytes (LF_PAD0..LF_PAD15) align members inside the list.
            var peek = r;
            if (peek.U8() >= 0xF0) { r.Position += 1; continue; }
            ushort leaf = r.U16("member leaf");
            switch (leaf)
            {
                case TypeLeaf.LF_MEMBER:
                    {
                        ushort attrs = r.U16("member attributes");
                        uint type = r.U32("member type");
                        long offset = NumericLeaf.Read(ref r, "member offset");
                        members.Add(new FieldMember(leaf, r.CString("member name"), type, attrs, offset));
                        break;
                    }
                case TypeLeaf.LF_STMEMBER:
                    {
                        ushort attrs = r.U16("member attributes");
                        uint type = r.U32("member type");
                        members.Add(new FieldMember(leaf, r.CString("member name"), type, attrs));
                        break;
                    }
                case TypeLeaf.LF_BCLASS:
                    {
                        ushort attrs = r.U16("base attributes");
                        uint type = r.U32("base type");
                        long offset = NumericLeaf.Read(ref r, "base offset");
                        members.Add(new FieldMember(leaf, "", type, attrs, offset));
                        break;
                    }
                case TypeLeaf.LF_VBCLASS:
                case TypeLeaf.LF_IVBCLASS:
                    {
                        ushort attrs = r.U16("virtual base attributes");
                        uint type = r.U32("virtual base type");
                        uint vbptr = r.U32("vbptr type");
                        long vbpOffset = NumericLeaf.Read(ref r, "vbptr offset");
                        long vbIndex = NumericLeaf.Read(ref r, "vbtable index");
                        members.Add(new FieldMember(leaf, "", type, attrs, vbpOffset, VbPtrType: vbptr, VbTableIndex: vbIndex));
                        break;
                    }
                case TypeLeaf.LF_ENUMERATE:
                    {
                        ushort attrs = r.U16("enumerator attributes");
                        long value = NumericLeaf.Read(ref r, "enumerator value");
                        members.Add(new FieldMember(leaf, r.CString("enumerator name"), 0, attrs, Value: value));
                        break;
                    }
                case TypeLeaf.LF_NESTTYPE:
                    {
                        r.U16("nested type padding");
                        uint type = r.U32("nested type");
                        members.Add(new FieldMember(leaf, r.CString("nested type name"), type));
                        break;
                    }
                case TypeLeaf.LF_ONEMETHOD:
                    {
                        ushort attrs = r.U16("method attributes");
                        uint type = r.U32("method type");
                        int mprop = (attrs >> 2) & 7;
                        int vtoff = mprop is 4 or 6 ? r.I32("vtable offset") : -1;
                        members.Add(new FieldMember(leaf, r.CString("method name"), type, attrs, VTableOffset: vtoff));
                        break;
                    }
                case TypeLeaf.LF_METHOD:
                    {
                        ushort count = r.U16("overload count");
                        uint list = r.U32("method list");
                        members.Add(new FieldMember(leaf, r.CString("method name"), list, Count: count));
                        break;
                    }
                case TypeLeaf.LF_VFUNCTAB:
                    {
                        r.U16("vfunctab padding");
                        members.Add(new FieldMember(leaf, "", r.U32("vfunctab type")));
                        break;
                    }
                case TypeLeaf.LF_INDEX:
                    {
                        r.U16("index padding");
                        continuation = r.U32("continuation");
                        break;
                    }
                default:
                    throw r.Error($"field list 0x{index:x} holds unknown member leaf 0x{leaf:x4}");
            }
            if (members.Count > PdbLimits.MaxFieldListMembers) throw r.Error($"field list 0x{index:x} exceeds {PdbLimits.MaxFieldListMembers} members");
        }
        return new FieldListType(index, members, continuation);
    }
}
