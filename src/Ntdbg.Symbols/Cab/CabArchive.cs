using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Symbols.Cab;

/// <summary>
/// A Microsoft cabinet (MS-CAB): CFHEADER, CFFOLDER records, CFFILE records and CFDATA blocks,
/// stored or MSZIP-compressed. Symbol servers hand out `name.pd_` / `name.sy_` this way.
/// Every offset and count is checked; malformed input throws <see cref="DumpFormatException"/>.
/// </summary>
public sealed class CabArchive
{
    public const int MaxFiles = 4096;
    public const int MaxFolders = 4096;
    /// <summary>Largest file extracted (symbol files above 4 GiB do not exist; this is a sanity cap).</summary>
    public const long MaxExtractedBytes = 2L * 1024 * 1024 * 1024;

    private const uint Signature = 0x4643534D; // "MSCF"
    private const ushort FlagPrevCabinet = 1, FlagNextCabinet = 2, FlagReservePresent = 4;
    private readonly MappedFile _file;
    private readonly int _dataReserve;

    public IReadOnlyList<CabFolder> Folders { get; }
    public IReadOnlyList<CabFileEntry> Files { get; }

    private CabArchive(MappedFile file, List<CabFolder> folders, List<CabFileEntry> files, int dataReserve)
    {
        _file = file;
        Folders = folders;
        Files = files;
        _dataReserve = dataReserve;
    }

    /// <summary>True when the file starts with the cabinet signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head) => head.Length >= 4 && Le.U32(head, 0) == Signature;

    public static CabArchive Open(MappedFile file)
    {
        var header = file.Span(0, 36, "CFHEADER");
        if (Le.U32(header, 0) != Signature) throw new DumpFormatException(file.Path, 0, "not a cabinet (no MSCF signature)");
        uint cabinetSize = Le.U32(header, 8);
        uint firstFile = Le.U32(header, 16);
        byte versionMajor = header[25];
        int folderCount = Limits.CheckCount(Le.U16(header, 26), MaxFolders, "CFFOLDER", file.Path, 26);
        int fileCount = Limits.CheckCount(Le.U16(header, 28), MaxFiles, "CFFILE", file.Path, 28);
        ushort flags = Le.U16(header, 30);
        if (versionMajor != 1) throw new DumpFormatException(file.Path, 25, $"cabinet format version {versionMajor}.{header[24]} (1.3 expected)");
        if (cabinetSize > file.Length) throw new DumpFormatException(file.Path, 8, $"cabinet declares {cabinetSize} bytes but the file has {file.Length} (truncated)");
        if ((flags & (FlagPrevCabinet | FlagNextCabinet)) != 0) throw new DumpFormatException(file.Path, 30, "multi-cabinet sets are not supported");

        long pos = 36;
        int folderReserve = 0, dataReserve = 0;
        if ((flags & FlagReservePresent) != 0)
        {
            var r = file.Span(pos, 4, "CFHEADER reserve sizes");
            int headerReserve = Le.U16(r, 0);
            folderReserve = r[2];
            dataReserve = r[3];
            pos += 4 + headerReserve;
        }

        var folders = new List<CabFolder>(folderCount);
        for (int i = 0; i < folderCount; i++)
        {
            var f = file.Span(pos, 8, "CFFOLDER");
            uint start = Le.U32(f, 0);
            int blocks = Le.U16(f, 4);
            var compression = (CabCompression)(Le.U16(f, 6) & 0x0F);
            if (start >= file.Length) throw new DumpFormatException(file.Path, pos, $"CFFOLDER {i} data offset 0x{start:x} is past the end of the file");
            folders.Add(new CabFolder(start, blocks, compression));
            pos += 8 + folderReserve;
        }

        var files = new List<CabFileEntry>(fileCount);
        pos = firstFile;
        for (int i = 0; i < fileCount; i++)
        {
            var f = file.Span(pos, 16, "CFFILE");
            uint size = Le.U32(f, 0);
            uint offset = Le.U32(f, 4);
            int folder = Le.U16(f, 8);
            if (folder >= folderCount) throw new DumpFormatException(file.Path, pos + 8, $"CFFILE {i} names folder {folder} of {folderCount} (continued or bad folder index)");
            var nameSpan = file.SpanClamped(pos + 16, 257);
            int nul = nameSpan.IndexOf((byte)0);
            if (nul <= 0) throw new DumpFormatException(file.Path, pos + 16, $"CFFILE {i} name is empty or not terminated");
            files.Add(new CabFileEntry(System.Text.Encoding.UTF8.GetString(nameSpan[..nul]), size, offset, folder));
            pos += 16 + nul + 1;
        }
        return new CabArchive(file, folders, files, dataReserve);
    }

    /// <summary>Writes the bytes of <paramref name="entry"/> to <paramref name="destination"/>.</summary>
    public void Extract(CabFileEntry entry, Stream destination)
    {
        if (entry.Size > MaxExtractedBytes) throw new DumpFormatException(_file.Path, 0, $"{entry.Name} declares {entry.Size} bytes (over the {MaxExtractedBytes} byte cap)");
        var folder = Folders[entry.FolderIndex];
        if (folder.Compression is not (CabCompression.None or CabCompression.MsZip))
            throw new DumpFormatException(_file.Path, 0, $"{entry.Name} is {folder.Compression}-compressed (only stored and MSZIP are supported)");

        long end = (long)entry.OffsetInFolder + entry.Size;
        long folderPos = 0; // uncompressed position at the start of the current block
        long pos = folder.FirstDataOffset;
        var inflater = new MsZipBlockInflater();
        var buffer = new byte[MsZipBlockInflater.MaxBlockOutput];
        for (int b = 0; b < folder.DataBlockCount && folderPos < end; b++)
        {
            var head = _file.Span(pos, 8, "CFDATA");
            int packed = Le.U16(head, 4);
            int unpacked = Le.U16(head, 6);
            long dataOffset = pos + 8 + _dataReserve;
            var data = _file.Span(dataOffset, packed, "CFDATA block");
            if (unpacked > MsZipBlockInflater.MaxBlockOutput) throw new DumpFormatException(_file.Path, pos + 6, $"CFDATA block {b} declares {unpacked} bytes out (over 32 KiB)");
            if (unpacked == 0) throw new DumpFormatException(_file.Path, pos + 6, $"CFDATA block {b} is empty (continued blocks are not supported)");
            uint stored = Le.U32(head, 0);
            if (stored != 0 && CabChecksum.ForBlock(head[4..8], data) is var computed && computed != stored)
                throw new DumpFormatException(_file.Path, pos, $"CFDATA block {b} checksum 0x{computed:x8} does not match the stored 0x{stored:x8}");
            var output = buffer.AsSpan(0, unpacked);
            if (folder.Compression == CabCompression.None)
            {
                if (packed != unpacked) throw new DumpFormatException(_file.Path, pos + 4, $"stored CFDATA block {b} has {packed} bytes in and {unpacked} out");
                data.CopyTo(output);
            }
            else
            {
                var problem = inflater.Inflate(data, output);
                if (problem != null) throw new DumpFormatException(_file.Path, dataOffset, $"CFDATA block {b}: {problem}");
            }

            long from = Math.Max(entry.OffsetInFolder, folderPos);
            long to = Math.Min(end, folderPos + unpacked);
            if (to > from) destination.Write(output[(int)(from - folderPos)..(int)(to - folderPos)]);
            folderPos += unpacked;
            pos = dataOffset + packed;
        }
        if (folderPos < end)
            throw new DumpFormatException(_file.Path, pos, $"{entry.Name} needs {end} bytes of folder data but the blocks hold {folderPos} (truncated cabinet)");
    }
}
