namespace Ntdbg.Formats.Pdb;

/// <summary>
/// Decodes the records inside procedures that describe the frame and its variables
/// (<see cref="FrameRecord"/>); null for other kinds. Layouts are CodeView's (cvinfo.h).
/// </summary>
internal static class FrameRecordReader
{
    public static PdbSymbol? Decode(ushort kind, int offset, PdbReader r)
    {
        switch (kind)
        {
            case SymbolKind.S_FRAMEPROC:
                {
                    uint total = r.U32("frame size");
                    uint padding = r.U32("frame padding size");
                    uint paddingOffset = r.U32("frame padding offset");
                    uint saved = r.U32("callee-saved register bytes");
                    uint handler = r.U32("exception handler offset");
                    ushort handlerSection = r.U16("exception handler section");
                    uint flags = r.U32("frame flags");
                    return new PdbSymbol(kind, offset, "", Flags: flags,
                        Frame: new FrameProcRecord(total, padding, paddingOffset, saved, handler, handlerSection, flags));
                }
            case SymbolKind.S_BLOCK32:
                {
                    uint parent = r.U32("block parent");
                    uint end = r.U32("block end");
                    uint length = r.U32("block length");
                    uint off = r.U32("block offset");
                    ushort seg = r.U16("block section");
                    return new PdbSymbol(kind, offset, r.CString("block name"), seg, off, Length: length, End: end,
                        Frame: new BlockRecord(parent, end, length, off, seg));
                }
            case SymbolKind.S_REGREL32:
                {
                    int off = r.I32("register-relative offset");
                    uint type = r.U32("register-relative type");
                    ushort reg = r.U16("register-relative register");
                    return new PdbSymbol(kind, offset, r.CString("register-relative name"), TypeIndex: type,
                        Frame: new RegisterVariableRecord(type, reg, off, InRegister: false));
                }
            case SymbolKind.S_BPREL32:
                {
                    int off = r.I32("EBP-relative offset");
                    uint type = r.U32("EBP-relative type");
                    return new PdbSymbol(kind, offset, r.CString("EBP-relative name"), TypeIndex: type,
                        Frame: new RegisterVariableRecord(type, 0, off, InRegister: false));
                }
            case SymbolKind.S_REGISTER:
                {
                    uint type = r.U32("register variable type");
                    ushort reg = r.U16("register variable register");
                    return new PdbSymbol(kind, offset, r.CString("register variable name"), TypeIndex: type,
                        Frame: new RegisterVariableRecord(type, reg, 0, InRegister: true));
                }
            case SymbolKind.S_LOCAL:
                {
                    uint type = r.U32("local type");
                    ushort flags = r.U16("local flags");
                    return new PdbSymbol(kind, offset, r.CString("local name"), TypeIndex: type, Flags: flags,
                        Frame: new LocalRecord(type, flags));
                }
            case SymbolKind.S_DEFRANGE_FRAMEPOINTER_REL_FULL_SCOPE:
                {
                    int off = r.I32("frame-relative offset");
                    return new PdbSymbol(kind, offset, "", Frame: new DefRangeRecord(kind, 0, off, 0, 0, 0, 0, 0, []));
                }
            case SymbolKind.S_DEFRANGE_FRAMEPOINTER_REL:
                {
                    int off = r.I32("frame-relative offset");
                    return DefRange(kind, offset, ref r, 0, off, 0, 0);
                }
            case SymbolKind.S_DEFRANGE_REGISTER:
                {
                    ushort reg = r.U16("range register");
                    ushort mayHaveNoName = r.U16("range register attributes");
                    return DefRange(kind, offset, ref r, reg, 0, 0, mayHaveNoName);
                }
            case SymbolKind.S_DEFRANGE_SUBFIELD_REGISTER:
                {
                    ushort reg = r.U16("range register");
                    ushort mayHaveNoName = r.U16("range register attributes");
                    // Only the low 12 bits hold the offset; the rest is padding.
                    uint parentOffset = r.U32("offset in parent") & 0xFFF;
                    return DefRange(kind, offset, ref r, reg, 0, parentOffset, mayHaveNoName);
                }
            case SymbolKind.S_DEFRANGE_REGISTER_REL:
                {
                    ushort reg = r.U16("range base register");
                    ushort flags = r.U16("range flags");
                    int off = r.I32("range base offset");
                    // Bit 0: a spilled member of a UDT; bits 4-15: the offset in the parent variable.
                    return DefRange(kind, offset, ref r, reg, off, (uint)(flags >> 4), flags);
                }
            default:
                return null;
        }
    }

    // The LocalVariableAddrRange (offset, section, length) and the gaps that fill the rest of the record.
    private static PdbSymbol DefRange(ushort kind, int offset, ref PdbReader r, ushort reg, int off, uint parentOffset, ushort flags)
    {
        uint start = r.U32("range offset");
        ushort section = r.U16("range section");
        ushort length = r.U16("range length");
        var gaps = new List<DefRangeGap>(r.Remaining / 4);
        while (r.Remaining >= 4)
            gaps.Add(new DefRangeGap(r.U16("gap start"), r.U16("gap length")));
        return new PdbSymbol(kind, offset, "", section, start, Length: length, Flags: flags,
            Frame: new DefRangeRecord(kind, reg, off, parentOffset, flags, start, section, length, gaps));
    }
}
