namespace Ntdbg.Formats.Pdb;

/// <summary>Old-style FPO_DATA (16 bytes) from the DBI FPO stream, for x86 unwinding.</summary>
public sealed record FpoData(uint Start, uint Size, uint LocalDwords, ushort ParamDwords, ushort Attributes)
{
    public const int RecordSize = 16;
    public int PrologBytes => Attributes & 0xff;
    public int SavedRegisters => (Attributes >> 8) & 7;
    public bool HasSeh => (Attributes & 0x800) != 0;
    public bool UsesBasePointer => (Attributes & 0x1000) != 0;
    /// <summary>0 FPO, 1 trap, 2 TSS, 3 non-FPO.</summary>
    public int FrameType => (Attributes >> 14) & 3;

    public static IReadOnlyList<FpoData> ReadAll(MsfStream stream)
    {
        int n = stream.Length / RecordSize;
        var list = new FpoData[n];
        var r = stream.Reader();
        for (int i = 0; i < n; i++)
            list[i] = new FpoData(r.U32(), r.U32(), r.U32(), r.U16(), r.U16());
        return list;
    }
}
