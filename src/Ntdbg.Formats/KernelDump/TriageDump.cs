using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// The contents of a triage (small memory) dump: drivers, unloaded drivers, data blocks, the KDBG
/// copy and the ranges of the PRCB/process/thread/stack copies. Counts above <see cref="Limits"/>
/// are format errors; sections that run past the end of a truncated file are kept as far as they
/// go and reported in <see cref="Warnings"/>.
/// </summary>
public sealed class TriageDump
{
    public const int DriverEntrySize64 = 0x90;
    public const int DriverEntrySize32 = 0x4c;
    public const int UnloadedEntrySize64 = 0x38;
    public const int UnloadedEntrySize32 = 0x28;
    /// <summary>The kernel keeps at most 50 unloaded drivers (MI_UNLOADED_DRIVERS).</summary>
    public const int MaxUnloadedDrivers = 1024;

    private readonly List<string> _warnings = [];

    public required TriageDumpHeader Header { get; init; }
    public long HeaderOffset { get; init; }
    public bool Is64 { get; init; }
    public IReadOnlyList<TriageDriver> Drivers { get; private set; } = [];
    public IReadOnlyList<TriageUnloadedDriver> UnloadedDrivers { get; private set; } = [];
    public IReadOnlyList<TriageDataBlock> DataBlocks { get; private set; } = [];
    public TriageMmInfo? MmInfo { get; private set; }
    /// <summary>True when the dword at ValidOffset reads 'TRGD' (the writer finished).</summary>
    public bool ValidMarkerPresent { get; private set; }
    public IReadOnlyList<string> Warnings => _warnings;

    public static TriageDump Parse(MappedFile file, bool is64)
    {
        long at = is64 ? KernelDumpHeader.Size64 : KernelDumpHeader.Size32;
        var header = TriageDumpHeader.Parse(file.Span(at, is64 ? TriageDumpHeader.Size64 : TriageDumpHeader.Size32, "TRIAGE_DUMP header"), is64);
        var dump = new TriageDump { Header = header, HeaderOffset = at, Is64 = is64 };
        dump.Load(file);
        return dump;
    }

    private void Load(MappedFile file)
    {
        var h = Header;
        if (h.SizeOfDump > file.Length)
            _warnings.Add($"triage dump is truncated: the header says 0x{h.SizeOfDump:x} bytes, the file has 0x{file.Length:x} (0x{h.SizeOfDump - file.Length:x} bytes missing)");
        ValidMarkerPresent = file.Contains(h.ValidOffset, 4) && file.U32(h.ValidOffset, "triage valid marker") == TriageDumpHeader.ValidSignature;

        Limits.CheckCount(h.DriverCount, Limits.MaxModules, "triage driver", file.Path, HeaderOffset + 0x34);
        Limits.CheckCount(h.DataBlocksCount, Limits.MaxDataBlocks, "triage data block", file.Path, HeaderOffset + (Is64 ? 0x7c : 0x64));

        Drivers = ReadDrivers(file);
        UnloadedDrivers = ReadUnloadedDrivers(file);
        DataBlocks = ReadDataBlocks(file);
        MmInfo = ReadMmInfo(file);
    }

    private List<TriageDriver> ReadDrivers(MappedFile file)
    {
        var h = Header;
        int entrySize = Is64 ? DriverEntrySize64 : DriverEntrySize32;
        var list = new List<TriageDriver>((int)Math.Min(h.DriverCount, 4096));
        for (int i = 0; i < h.DriverCount; i++)
        {
            long e = h.DriverListOffset + (long)i * entrySize;
            if (!file.Contains(e, entrySize))
            {
                _warnings.Add($"triage driver list is cut off at entry {i} of {h.DriverCount} (offset 0x{e:x} lies past the end of the file)");
                break;
            }
            var s = file.Span(e, entrySize, "triage driver entry");
            uint nameOffset = Le.U32(s, 0);
            string name = ReadDumpString(file, nameOffset) ?? $"<driver {i}: name unreadable at 0x{nameOffset:x}>";
            if (Is64)
            {
                var l = s[8..];
                list.Add(new TriageDriver(name, Le.U64(l, 0x30), Le.U32(l, 0x40), Le.U32(l, 0x78), Le.U32(l, 0x80), Le.U32(l, 0x68), Le.U16(l, 0x6c), Le.U64(l, 0x38), e));
            }
            else
            {
                var l = s[4..];
                list.Add(new TriageDriver(name, Le.U32(l, 0x18), Le.U32(l, 0x20), Le.U32(l, 0x40), Le.U32(l, 0x44), Le.U32(l, 0x34), Le.U16(l, 0x38), Le.U32(l, 0x1c), e));
            }
        }
        return list;
    }

    /// <summary>DUMP_STRING: a character count followed by UTF-16 text. Null when it lies outside the file.</summary>
    private static string? ReadDumpString(MappedFile file, long offset)
    {
        if (offset == 0 || !file.Contains(offset, 4)) return null;
        uint chars = file.U32(offset, "dump string length");
        if (chars > Limits.MaxStringChars) return null;
        if (!file.Contains(offset + 4, chars * 2L)) return null;
        return Le.Utf16(file.Span(offset + 4, (int)chars * 2, "dump string"));
    }

    private List<TriageUnloadedDriver> ReadUnloadedDrivers(MappedFile file)
    {
        var list = new List<TriageUnloadedDriver>();
        long o = Header.UnloadedDriversOffset;
        if (o == 0) return list;
        if (!file.Contains(o, 8)) { _warnings.Add($"unloaded driver list at 0x{o:x} lies past the end of the file"); return list; }
        uint count = file.U32(o, "unloaded driver count");
        Limits.CheckCount(count, MaxUnloadedDrivers, "unloaded driver", file.Path, o);
        int size = Is64 ? UnloadedEntrySize64 : UnloadedEntrySize32;
        long first = o + (Is64 ? 8 : 4);
        for (int i = 0; i < count; i++)
        {
            long e = first + (long)i * size;
            if (!file.Contains(e, size)) { _warnings.Add($"unloaded driver list is cut off at entry {i} of {count}"); break; }
            var s = file.Span(e, size, "unloaded driver entry");
            int nameAt = Is64 ? 16 : 8;
            string name = Le.Utf16(s.Slice(nameAt, 24));
            int lenBytes = Le.U16(s, 0);
            if (lenBytes / 2 < name.Length) name = name[..(lenBytes / 2)];
            ulong start = Is64 ? Le.U64(s, nameAt + 24) : Le.U32(s, nameAt + 24);
            ulong end = Is64 ? Le.U64(s, nameAt + 32) : Le.U32(s, nameAt + 28);
            list.Add(new TriageUnloadedDriver(name, start, end));
        }
        return list;
    }

    private List<TriageDataBlock> ReadDataBlocks(MappedFile file)
    {
        var h = Header;
        int size = Is64 ? 16 : 12;
        var list = new List<TriageDataBlock>((int)Math.Min(h.DataBlocksCount, 65536));
        for (int i = 0; i < h.DataBlocksCount; i++)
        {
            long e = h.DataBlocksOffset + (long)i * size;
            if (!file.Contains(e, size)) { _warnings.Add($"triage data block table is cut off at entry {i} of {h.DataBlocksCount}"); break; }
            var s = file.Span(e, size, "triage data block");
            list.Add(Is64 ? new TriageDataBlock(Le.U64(s, 0), Le.U32(s, 8), Le.U32(s, 12)) : new TriageDataBlock(Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8)));
        }
        return list;
    }

    private TriageMmInfo? ReadMmInfo(MappedFile file)
    {
        long o = Header.MmOffset;
        int size = Is64 ? 0x50 : 0x34;
        if (o == 0 || !file.Contains(o, size)) return null;
        var s = file.Span(o, size, "DUMP_MM_STORAGE");
        var p = new ulong[7];
        for (int i = 0; i < p.Length; i++) p[i] = Is64 ? Le.U64(s, 0x18 + 8 * i) : Le.U32(s, 0x18 + 4 * i);
        return new TriageMmInfo(Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8), Le.U32(s, 0xc), Le.U32(s, 0x10), Le.U32(s, 0x14),
            p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    }
}
