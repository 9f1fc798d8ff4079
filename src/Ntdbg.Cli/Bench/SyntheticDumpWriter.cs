namespace Ntdbg.Cli.Bench;

/// <summary>
/// Writes a minimal user minidump holding one Memory64List range of pseudo-random bytes with a few
/// planted strings, so the search benchmark runs through the real dump reader on a file of any size.
/// </summary>
public static class SyntheticDumpWriter
{
    public const ulong BaseAddress = 0x10000000;

    public static void Write(string path, long bytes, IReadOnlyList<(long Offset, byte[] Data)> plants)
    {
        const int headerSize = 32, dirEntry = 12;
        const int dirRva = headerSize;
        const int memRva = dirRva + dirEntry;
        const int memSize = 16 + 16; // count, base rva, one descriptor
        long dataRva = memRva + memSize;
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var w = new BinaryWriter(fs);
        // MINIDUMP_HEADER
        w.Write(0x504d444du); w.Write(0xa793u); w.Write(1u); w.Write((uint)dirRva);
        w.Write(0u); w.Write(0u); w.Write(0UL);
        // Directory: Memory64ListStream (9)
        w.Write(9u); w.Write((uint)memSize); w.Write((uint)memRva);
        // MINIDUMP_MEMORY64_LIST
        w.Write(1UL); w.Write((ulong)dataRva);
        w.Write(BaseAddress); w.Write((ulong)bytes);
        var rng = new Random(12345);
        var chunk = new byte[1 << 20];
        long written = 0;
        while (written < bytes)
        {
            int n = (int)Math.Min(chunk.Length, bytes - written);
            rng.NextBytes(chunk.AsSpan(0, n));
            foreach (var (off, data) in plants)
                if (off >= written && off + data.Length <= written + n) data.CopyTo(chunk.AsSpan((int)(off - written)));
            w.Write(chunk, 0, n);
            written += n;
        }
    }
}
