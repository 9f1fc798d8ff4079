using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// DUMP_HEADER32 ('PAGEDUMP', 0x1000 bytes) or DUMP_HEADER64 ('PAGEDU64', 0x2000 bytes), every field,
/// pointers widened to 64 bits. Header bytes the writer left unused hold the text "PAGE"; fields
/// that can be unused are nullable and are null when they hold 0x45474150.
/// </summary>
public sealed class KernelDumpHeader
{
    /// <summary>"PAGE" as a little-endian 32-bit value: the filler of unused header bytes.</summary>
    public const uint PageFiller = 0x45474150;
    public const uint ValidDump32 = 0x504D5544; // 'DUMP'
    public const uint ValidDump64 = 0x34365544; // 'DU64'
    public const int Size32 = 0x1000;
    public const int Size64 = 0x2000;
    /// <summary>Size of PhysicalMemoryBlockBuffer (the run descriptor lives in it).</summary>
    public const int PhysicalMemoryBlockSize = 700;
    public const int ContextRecordSize64 = 3000;
    public const int ContextRecordSize32 = 1200;

    public bool Is64 { get; private init; }
    public int HeaderSize => Is64 ? Size64 : Size32;
    public uint Signature { get; private init; }
    public uint ValidDump { get; private init; }
    /// <summary>0xF for a free (retail) build, 0xC for a checked build.</summary>
    public uint MajorVersion { get; private init; }
    /// <summary>The OS build number (19041...).</summary>
    public uint MinorVersion { get; private init; }
    /// <summary>CR3 of the process that was current (may carry PCID bits in the low 12 bits).</summary>
    public ulong DirectoryTableBase { get; private init; }
    public ulong PfnDataBase { get; private init; }
    public ulong PsLoadedModuleList { get; private init; }
    public ulong PsActiveProcessHead { get; private init; }
    public uint MachineImageType { get; private init; }
    public uint NumberProcessors { get; private init; }
    public uint BugCheckCode { get; private init; }
    public IReadOnlyList<ulong> BugCheckParameters { get; private init; } = [];
    /// <summary>VersionUser[32] as text (null when it holds the "PAGE" filler).</summary>
    public string? VersionUser { get; private init; }
    /// <summary>32-bit only: PaeEnabled byte.</summary>
    public bool PaeEnabled { get; private init; }
    public byte KdSecondaryVersion { get; private init; }
    public ulong KdDebuggerDataBlock { get; private init; }
    /// <summary>PHYSICAL_MEMORY_DESCRIPTOR.NumberOfRuns (null when the buffer holds the filler).</summary>
    public uint? NumberOfRuns { get; private init; }
    public ulong? NumberOfPages { get; private init; }
    /// <summary>The runs, validated to fit the 700-byte buffer (empty when absent).</summary>
    public IReadOnlyList<PhysicalMemoryRun> Runs { get; private init; } = [];
    /// <summary>File offset and size of the CONTEXT record stored in the header.</summary>
    public int ContextOffset => Is64 ? 0x348 : 0x320;
    public int ContextSize => Is64 ? ContextRecordSize64 : ContextRecordSize32;
    public KernelExceptionRecord Exception { get; private init; } = null!;
    public uint DumpTypeValue { get; private init; }
    public KernelDumpType DumpType => (KernelDumpType)DumpTypeValue;
    /// <summary>Bytes the whole dump should occupy; compared with the file size to detect truncation.</summary>
    public ulong? RequiredDumpSpace { get; private init; }
    /// <summary>FILETIME of the crash (UTC).</summary>
    public ulong? SystemTime { get; private init; }
    public string? Comment { get; private init; }
    /// <summary>Time since boot in 100 ns units.</summary>
    public ulong? SystemUpTime { get; private init; }
    public uint? MiniDumpFields { get; private init; }
    public uint? SecondaryDataState { get; private init; }
    public uint? ProductType { get; private init; }
    public uint? SuiteMask { get; private init; }
    public uint? WriterStatus { get; private init; }
    public uint? Attributes { get; private init; }
    public uint? BootId { get; private init; }

    public static uint? Present(uint value) => value == PageFiller ? null : value;
    public static ulong? Present(ulong value) => (uint)value == PageFiller && (uint)(value >> 32) == PageFiller ? null : value;

    /// <summary>True when the first 8 bytes are 'PAGEDUMP' or 'PAGEDU64'.</summary>
    public static bool IsKernelDump(ReadOnlySpan<byte> first8) =>
        first8.Length >= 8 && Le.U32(first8, 0) == PageFiller && (Le.U32(first8, 4) == ValidDump32 || Le.U32(first8, 4) == ValidDump64);

    public static KernelDumpHeader Parse(MappedFile file)
    {
        var magic = file.Span(0, 8, "dump header signature");
        if (Le.U32(magic, 0) != PageFiller)
            throw new DumpFormatException(file.Path, 0, "not a kernel dump: the file does not start with 'PAGE'");
        uint valid = Le.U32(magic, 4);
        if (valid == ValidDump64) return Parse64(file);
        if (valid == ValidDump32) return Parse32(file);
        throw new DumpFormatException(file.Path, 4, $"not a kernel dump: ValidDump is 0x{valid:x8}, expected 'DU64' or 'DUMP'");
    }

    private static KernelDumpHeader Parse64(MappedFile file)
    {
        var h = file.Span(0, Size64, "DUMP_HEADER64");
        var runs = ParseRuns(file, h.Slice(0x88, PhysicalMemoryBlockSize), 0x88, true, out uint? nRuns, out ulong? nPages);
        return new KernelDumpHeader
        {
            Is64 = true,
            Signature = Le.U32(h, 0),
            ValidDump = Le.U32(h, 4),
            MajorVersion = Le.U32(h, 8),
            MinorVersion = Le.U32(h, 0xc),
            DirectoryTableBase = Le.U64(h, 0x10),
            PfnDataBase = Le.U64(h, 0x18),
            PsLoadedModuleList = Le.U64(h, 0x20),
            PsActiveProcessHead = Le.U64(h, 0x28),
            MachineImageType = Le.U32(h, 0x30),
            NumberProcessors = Le.U32(h, 0x34),
            BugCheckCode = Le.U32(h, 0x38),
            BugCheckParameters = [Le.U64(h, 0x40), Le.U64(h, 0x48), Le.U64(h, 0x50), Le.U64(h, 0x58)],
            VersionUser = Text(h.Slice(0x60, 32)),
            KdDebuggerDataBlock = Le.U64(h, 0x80),
            NumberOfRuns = nRuns,
            NumberOfPages = nPages,
            Runs = runs,
            Exception = KernelExceptionRecord.Parse(h.Slice(0xf00, KernelExceptionRecord.Size64), true),
            DumpTypeValue = Le.U32(h, 0xf98),
            RequiredDumpSpace = Present(Le.U64(h, 0xfa0)),
            SystemTime = Present(Le.U64(h, 0xfa8)),
            Comment = Text(h.Slice(0xfb0, 0x80)),
            SystemUpTime = Present(Le.U64(h, 0x1030)),
            MiniDumpFields = Present(Le.U32(h, 0x1038)),
            SecondaryDataState = Present(Le.U32(h, 0x103c)),
            ProductType = Present(Le.U32(h, 0x1040)),
            SuiteMask = Present(Le.U32(h, 0x1044)),
            WriterStatus = Present(Le.U32(h, 0x1048)),
            KdSecondaryVersion = h[0x104d],
            Attributes = Present(Le.U32(h, 0x1050)),
            BootId = Present(Le.U32(h, 0x1054)),
        };
    }

    private static KernelDumpHeader Parse32(MappedFile file)
    {
        var h = file.Span(0, Size32, "DUMP_HEADER32");
        var runs = ParseRuns(file, h.Slice(0x64, PhysicalMemoryBlockSize), 0x64, false, out uint? nRuns, out ulong? nPages);
        return new KernelDumpHeader
        {
            Is64 = false,
            Signature = Le.U32(h, 0),
            ValidDump = Le.U32(h, 4),
            MajorVersion = Le.U32(h, 8),
            MinorVersion = Le.U32(h, 0xc),
            DirectoryTableBase = Le.U32(h, 0x10),
            PfnDataBase = Le.U32(h, 0x14),
            PsLoadedModuleList = Le.U32(h, 0x18),
            PsActiveProcessHead = Le.U32(h, 0x1c),
            MachineImageType = Le.U32(h, 0x20),
            NumberProcessors = Le.U32(h, 0x24),
            BugCheckCode = Le.U32(h, 0x28),
            BugCheckParameters = [Le.U32(h, 0x2c), Le.U32(h, 0x30), Le.U32(h, 0x34), Le.U32(h, 0x38)],
            VersionUser = Text(h.Slice(0x3c, 32)),
            PaeEnabled = h[0x5c] != 0 && h[0x5c] != (byte)'P',
            KdSecondaryVersion = h[0x5d],
            KdDebuggerDataBlock = Le.U32(h, 0x60),
            NumberOfRuns = nRuns,
            NumberOfPages = nPages,
            Runs = runs,
            Exception = KernelExceptionRecord.Parse(h.Slice(0x7d0, KernelExceptionRecord.Size32), false),
            Comment = Text(h.Slice(0x820, 0x80)),
            Attributes = Present(Le.U32(h, 0x8a0)),
            BootId = Present(Le.U32(h, 0x8a4)),
            DumpTypeValue = Le.U32(h, 0xf88),
            MiniDumpFields = Present(Le.U32(h, 0xf8c)),
            SecondaryDataState = Present(Le.U32(h, 0xf90)),
            ProductType = Present(Le.U32(h, 0xf94)),
            SuiteMask = Present(Le.U32(h, 0xf98)),
            WriterStatus = Present(Le.U32(h, 0xf9c)),
            RequiredDumpSpace = Present(Le.U64(h, 0xfa0)),
            SystemUpTime = Present(Le.U64(h, 0xfb8)),
            SystemTime = Present(Le.U64(h, 0xfc0)),
        };
    }

    /// <summary>
    /// PHYSICAL_MEMORY_DESCRIPTOR32/64 inside the 700-byte buffer. A run count that does not fit the
    /// buffer, overlapping runs or a page total that disagrees with the runs are format errors.
    /// </summary>
    private static PhysicalMemoryRun[] ParseRuns(MappedFile file, ReadOnlySpan<byte> buf, long bufOffset, bool is64,
        out uint? numberOfRuns, out ulong? numberOfPages)
    {
        uint n = Le.U32(buf, 0);
        numberOfRuns = Present(n);
        numberOfPages = is64 ? Present(Le.U64(buf, 8)) : Present(Le.U32(buf, 4));
        if (numberOfRuns == null) return [];
        int headerSize = is64 ? 16 : 8, runSize = is64 ? 16 : 8;
        int maxRuns = (buf.Length - headerSize) / runSize;
        if (n > maxRuns)
            throw new DumpFormatException(file.Path, bufOffset, $"physical memory descriptor claims {n} runs; its 700-byte buffer holds at most {maxRuns}");
        var runs = new PhysicalMemoryRun[n];
        for (int i = 0; i < n; i++)
        {
            int o = headerSize + i * runSize;
            runs[i] = is64 ? new(Le.U64(buf, o), Le.U64(buf, o + 8)) : new(Le.U32(buf, o), Le.U32(buf, o + 4));
            const ulong maxPfn = 1UL << 40; // 52-bit physical addresses
            if (runs[i].BasePage > maxPfn || runs[i].PageCount > maxPfn || runs[i].BasePage + runs[i].PageCount > maxPfn)
                throw new DumpFormatException(file.Path, bufOffset + o, $"physical memory run {i} (base page 0x{runs[i].BasePage:x}, 0x{runs[i].PageCount:x} pages) lies beyond any physical address");
        }
        return runs;
    }

    private static string? Text(ReadOnlySpan<byte> s)
    {
        if (s.Length >= 4 && Le.U32(s, 0) == PageFiller) return null;
        var t = Le.Ascii(s);
        return t.Length == 0 ? null : t;
    }
}
