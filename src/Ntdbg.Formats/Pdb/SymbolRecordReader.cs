namespace Ntdbg.Formats.Pdb;

/// <summary>
/// Decodes CodeView symbol records (2-byte length, 2-byte kind, body) from a stream window.
/// </summary>
public static class SymbolRecordReader
{
    /// <summary>Decodes the record at <paramref name="offset"/> (its length field); returns it and the next record's offset.</summary>
    public static PdbSymbol ReadAt(MsfStream stream, int offset, int end, out int next)
    {
        var r = stream.Reader(offset, Math.Max(0, end - offset));
        ushort length = r.U16("symbol record length");
        if (length < 2 || length > r.Remaining)
            throw r.Error($"symbol record length 0x{length:x} does not fit the 0x{r.Remaining:x} bytes left");
        next = offset + 2 + length;
        var body = stream.Reader(offset + 2, length);
        ushort kind = body.U16("symbol kind");
        return Decode(kind, offset, body);
    }

    private static PdbSymbol Decode(ushort kind, int offset, PdbReader r)
    {
        switch (kind)
        {
            case SymbolKind.S_PUB32:
                {
                    uint flags = r.U32("public flags");
                    uint off = r.U32("public offset");
                    ushort seg = r.U16("public section");
                    return new PdbSymbol(kind, offset, r.CString("public name"), seg, off, Flags: flags);
                }
            case SymbolKind.S_GDATA32:
            case SymbolKind.S_LDATA32:
            case SymbolKind.S_GTHREAD32:
            case SymbolKind.S_LTHREAD32:
                {
                    uint type = r.U32("data type");
                    uint off = r.U32("data offset");
                    ushort seg = r.U16("data section");
                    return new PdbSymbol(kind, offset, r.CString("data name"), seg, off, type);
                }
            case SymbolKind.S_GPROC32:
            case SymbolKind.S_LPROC32:
            case SymbolKind.S_GPROC32_ID:
            case SymbolKind.S_LPROC32_ID:
            case SymbolKind.S_LPROC32_DPC:
            case SymbolKind.S_LPROC32_DPC_ID:
                {
                    r.U32("procedure parent");
                    uint end = r.U32("procedure end");
                    r.U32("procedure next");
                    uint len = r.U32("procedure length");
                    r.U32("debug start");
                    r.U32("debug end");
                    uint type = r.U32("procedure type");
                    uint off = r.U32("procedure offset");
                    ushort seg = r.U16("procedure section");
                    byte flags = r.U8("procedure flags");
                    return new PdbSymbol(kind, offset, r.CString("procedure name"), seg, off, type, len, flags, End: end);
                }
            case SymbolKind.S_LABEL32:
                {
                    uint off = r.U32("label offset");
                    ushort seg = r.U16("label section");
                    byte flags = r.U8("label flags");
                    return new PdbSymbol(kind, offset, r.CString("label name"), seg, off, Flags: flags);
                }
            case SymbolKind.S_PROCREF:
            case SymbolKind.S_LPROCREF:
            case SymbolKind.S_DATAREF:
                {
                    r.U32("reference checksum");
                    uint symOffset = r.U32("reference symbol offset");
                    ushort module = r.U16("reference module");
                    return new PdbSymbol(kind, offset, r.CString("reference name"), Module: module, SymbolOffset: symOffset);
                }
            case SymbolKind.S_CONSTANT:
                {
                    uint type = r.U32("constant type");
                    long value = NumericLeaf.Read(ref r, "constant value");
                    return new PdbSymbol(kind, offset, r.CString("constant name"), TypeIndex: type, Value: value);
                }
            case SymbolKind.S_UDT:
                {
                    uint type = r.U32("UDT type");
                    return new PdbSymbol(kind, offset, r.CString("UDT name"), TypeIndex: type);
                }
            default:
                return FrameRecordReader.Decode(kind, offset, r) ?? new PdbSymbol(kind, offset, "");
        }
    }

    /// <summary>Decodes every record in [start, end) of the stream, in order.</summary>
    public static List<PdbSymbol> ReadAll(MsfStream stream, int start, int end)
    {
        var list = new List<PdbSymbol>();
        int pos = start;
        while (pos + 4 <= end)
        {
            list.Add(ReadAt(stream, pos, end, out int next));
            pos = next;
        }
        return list;
    }
}
