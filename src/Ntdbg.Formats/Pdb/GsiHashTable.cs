namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The hash table of a global or public symbol index (GSI): a header, then hash records whose
/// offsets (plus one) point into the symbol record stream. Buckets are skipped: the reader
/// enumerates records, it does not hash names.
/// </summary>
public static class GsiHashTable
{
    public const uint Signature = 0xFFFFFFFF;
    public const uint Version = 0xEFFE0000 + 19990810;

    /// <summary>Symbol record offsets listed by the hash table at [start, start+size) of the stream.</summary>
    public static uint[] ReadRecordOffsets(MsfStream stream, int start, int size)
    {
        var r = stream.Reader(start, size);
        if (size == 0) return [];
        uint sig = r.U32("GSI signature");
        uint ver = r.U32("GSI version");
        if (sig != Signature || ver != Version)
            throw r.Error($"GSI hash header signature 0x{sig:x}/version 0x{ver:x} is not the VC7 layout (0xffffffff/0x{Version:x})");
        uint recordBytes = r.U32("GSI hash record size");
        r.U32("GSI bucket size");
        if (recordBytes % 8 != 0 || recordBytes > r.Remaining)
            throw r.Error($"GSI hash records of 0x{recordBytes:x} bytes do not fit the 0x{r.Remaining:x} bytes left");
        var offsets = new uint[recordBytes / 8];
        for (int i = 0; i < offsets.Length; i++)
        {
            uint off = r.U32("GSI record offset");
            r.U32("GSI reference count");
            if (off == 0) throw stream.Error(r.Position - 8, $"GSI hash record {i} has offset 0 (offsets are stored plus one)");
            offsets[i] = off - 1;
        }
        return offsets;
    }
}
