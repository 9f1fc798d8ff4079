namespace Ntdbg.Formats.Pdb;

/// <summary>
/// New-style FPO (FRAMEDATA, 32 bytes) from the DBI new FPO stream: x86 frame layout and the
/// program string (from /names) that computes the caller's registers.
/// </summary>
public sealed record FrameData(uint RvaStart, uint CodeSize, uint LocalSize, uint ParamsSize, uint MaxStackSize,
    uint FrameFuncOffset, ushort PrologSize, ushort SavedRegsSize, uint Flags, string? Program)
{
    public const int RecordSize = 32;
    public bool HasStructuredExceptionHandling => (Flags & 1) != 0;
    public bool HasCppExceptionHandling => (Flags & 2) != 0;
    public bool IsFunctionStart => (Flags & 4) != 0;

    public static IReadOnlyList<FrameData> ReadAll(MsfStream stream, PdbStringTable strings)
    {
        var r = stream.Reader();
        // A stream whose size is not a multiple of the record size starts with a 4-byte relocation pointer.
        if (stream.Length % RecordSize != 0) r.U32("frame data relocation pointer");
        int n = r.Remaining / RecordSize;
        var list = new FrameData[n];
        for (int i = 0; i < n; i++)
        {
            uint rva = r.U32(), code = r.U32(), locals = r.U32(), pars = r.U32(), stack = r.U32(), func = r.U32();
            ushort prolog = r.U16(), saved = r.U16();
            uint flags = r.U32();
            list[i] = new FrameData(rva, code, locals, pars, stack, func, prolog, saved, flags, strings.Get(func));
        }
        return list;
    }
}
