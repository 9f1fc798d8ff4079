namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The DBI optional debug header: stream indices of the debug data the linker copied
/// (-1 when absent). Later unwinding reads FPO / new FPO (frame data) from here.
/// </summary>
public sealed record DbiDebugStreams(
    int Fpo,
    int Exception,
    int Fixup,
    int OmapToSource,
    int OmapFromSource,
    int SectionHeaders,
    int TokenRidMap,
    int Xdata,
    int Pdata,
    int NewFpo,
    int OriginalSectionHeaders)
{
    public static readonly DbiDebugStreams None = new(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);

    internal static DbiDebugStreams Read(PdbReader r)
    {
        var v = new int[11];
        for (int i = 0; i < v.Length; i++)
        {
            if (r.Remaining < 2) { v[i] = -1; continue; }
            ushort s = r.U16("debug stream index");
            v[i] = s == 0xFFFF ? -1 : s;
        }
        return new DbiDebugStreams(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }
}
