using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// The 'RDMP' header of dump types 8, 9 and 0xA, after the 64-bit dump header: a marker (0x40),
/// 'RDMP', 'DUMP', the size of the page-range table and the file offset of the first page; then
/// 16 bytes (two unknown quadwords for kernel dumps; NumberOfRanges and TotalNumberOfPages for
/// complete dumps) and the table of { first PFN, page count } ranges. Pages follow in range order.
/// </summary>
public sealed record RdmpDumpHeader(uint Marker, ulong MetadataSize, ulong FirstPageOffset, uint? NumberOfRanges, ulong? TotalNumberOfPages,
    long RangesOffset, IReadOnlyList<PhysicalMemoryRun> Ranges)
{
    public const uint SignatureRdmp = 0x504D4452; // 'RDMP'
    public const int FixedSize = 0x30;

    public static RdmpDumpHeader Parse(MappedFile file, long offset, KernelDumpType type)
    {
        var s = file.Span(offset, FixedSize, "RDMP header");
        uint marker = Le.U32(s, 0), sig = Le.U32(s, 4), valid = Le.U32(s, 8);
        if (sig != SignatureRdmp || valid != KernelDumpHeader.ValidDump32)
            throw new DumpFormatException(file.Path, offset + 4, $"RDMP header signature is 0x{sig:x8}/0x{valid:x8}, expected 'RDMP' 'DUMP'");
        ulong metadataSize = Le.U64(s, 0x10), firstPage = Le.U64(s, 0x18);
        bool complete = type == KernelDumpType.RdmpComplete;
        uint? nRanges = complete ? Le.U32(s, 0x20) : null;
        ulong? totalPages = complete ? Le.U64(s, 0x28) : null;
        long rangesOffset = offset + FixedSize;
        if (metadataSize % 16 != 0)
            throw new DumpFormatException(file.Path, offset + 0x10, $"RDMP metadata size 0x{metadataSize:x} is not a whole number of page ranges");
        if (firstPage < (ulong)rangesOffset || firstPage > long.MaxValue / 2)
            throw new DumpFormatException(file.Path, offset + 0x18, $"RDMP first page offset 0x{firstPage:x} lies inside the headers or beyond any file");
        // MetadataSize counts from offset 0x20 of this header in the dumps seen so far (so the table
        // ends where the pages begin); never read the table past the first page.
        ulong tableBytes = Math.Min(metadataSize, firstPage - (ulong)rangesOffset) / 16 * 16;
        ulong count = tableBytes / 16;
        Limits.CheckCount((long)Math.Min(count, int.MaxValue + 1UL), Limits.MaxPhysicalRuns, "RDMP page range", file.Path, offset + 0x10);
        if (!file.Contains(rangesOffset, (long)tableBytes))
            throw new DumpFormatException(file.Path, rangesOffset, $"RDMP page-range table (0x{tableBytes:x} bytes) runs past the end of the file (size 0x{file.Length:x})");
        var table = file.Span(rangesOffset, (int)tableBytes, "RDMP page-range table");
        var ranges = new List<PhysicalMemoryRun>();
        ulong pages = 0;
        for (int i = 0; i < (int)count; i++)
        {
            ulong pfn = Le.U64(table, 16 * i), n = Le.U64(table, 16 * i + 8);
            if (pfn == 0 && n == 0) break; // the table may be padded
            if (complete && pages >= totalPages) break;
            if (pfn > 1UL << 40 || n > 1UL << 40)
                throw new DumpFormatException(file.Path, rangesOffset + 16 * i, $"RDMP page range {i} (PFN 0x{pfn:x}, 0x{n:x} pages) lies beyond any physical address");
            ranges.Add(new PhysicalMemoryRun(pfn, n));
            pages += n;
        }
        return new RdmpDumpHeader(marker, metadataSize, firstPage, nRanges, totalPages, rangesOffset, ranges);
    }
}
