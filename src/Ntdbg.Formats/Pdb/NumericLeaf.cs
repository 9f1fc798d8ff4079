namespace Ntdbg.Formats.Pdb;

/// <summary>
/// CodeView numeric leaves: a value below 0x8000 is the value itself; otherwise a leaf kind
/// (LF_CHAR..LF_UQUADWORD, reals, LF_VARSTRING) precedes the value.
/// </summary>
public static class NumericLeaf
{
    public const ushort LF_NUMERIC = 0x8000;
    public const ushort LF_CHAR = 0x8000, LF_SHORT = 0x8001, LF_USHORT = 0x8002, LF_LONG = 0x8003, LF_ULONG = 0x8004,
        LF_REAL32 = 0x8005, LF_REAL64 = 0x8006, LF_REAL80 = 0x8007, LF_REAL128 = 0x8008, LF_QUADWORD = 0x8009,
        LF_UQUADWORD = 0x800a, LF_REAL48 = 0x800b, LF_COMPLEX32 = 0x800c, LF_COMPLEX64 = 0x800d, LF_COMPLEX80 = 0x800e,
        LF_COMPLEX128 = 0x800f, LF_VARSTRING = 0x8010, LF_OCTWORD = 0x8017, LF_UOCTWORD = 0x8018, LF_DECIMAL = 0x8019,
        LF_DATE = 0x801a, LF_UTF8STRING = 0x801b, LF_REAL16 = 0x801c;

    /// <summary>Reads a numeric leaf as a 64-bit value (unsigned 64-bit values are returned bit for bit; reals as 0).</summary>
    public static long Read(ref PdbReader r, string what)
    {
        ushort leaf = r.U16(what);
        if (leaf < LF_NUMERIC) return leaf;
        switch (leaf)
        {
            case LF_CHAR: return (sbyte)r.U8(what);
            case LF_SHORT: return r.I16(what);
            case LF_USHORT: return r.U16(what);
            case LF_LONG: return r.I32(what);
            case LF_ULONG: return r.U32(what);
            case LF_QUADWORD:
            case LF_UQUADWORD: return (long)r.U64(what);
            case LF_REAL16: r.Skip(2, what); return 0;
            case LF_REAL32: r.Skip(4, what); return 0;
            case LF_REAL48: r.Skip(6, what); return 0;
            case LF_REAL64: case LF_COMPLEX32: case LF_DATE: r.Skip(8, what); return 0;
            case LF_REAL80: r.Skip(10, what); return 0;
            case LF_REAL128: case LF_COMPLEX64: case LF_OCTWORD: case LF_UOCTWORD: case LF_DECIMAL: r.Skip(16, what); return 0;
            case LF_COMPLEX80: r.Skip(20, what); return 0;
            case LF_COMPLEX128: r.Skip(32, what); return 0;
            case LF_VARSTRING: { ushort n = r.U16(what); r.Skip(n, what); return 0; }
            case LF_UTF8STRING: r.CString(what); return 0;
            default: throw r.Error($"{what}: unknown numeric leaf 0x{leaf:x4}");
        }
    }
}
