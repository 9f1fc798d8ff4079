using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_MODULE (108 bytes) with its name, CodeView and misc records resolved.</summary>
public sealed record MinidumpModule(ulong BaseOfImage, uint SizeOfImage, uint CheckSum, uint TimeDateStamp, uint ModuleNameRva,
    FixedFileInfo VersionInfo, MinidumpLocation CvRecordLocation, MinidumpLocation MiscRecordLocation, ulong Reserved0, ulong Reserved1)
{
    public const int Size = 108;
    /// <summary>Larger than any real CodeView record; longer ones are treated as hostile.</summary>
    public const int MaxDebugRecordSize = 64 * 1024;

    public string Name { get; init; } = "";
    public CodeViewRecord? CodeView { get; init; }
    public MiscDebugRecord? MiscRecord { get; init; }
    /// <summary>The CodeView record's first four bytes when they name no known kind.</summary>
    public uint? UnknownCodeViewSignature { get; init; }

    public static MinidumpModule Read(ReadOnlySpan<byte> s) => new(
        Le.U64(s, 0), Le.U32(s, 8), Le.U32(s, 12), Le.U32(s, 16), Le.U32(s, 20),
        FixedFileInfo.Read(s, 24), MinidumpLocation.Read(s, 76), MinidumpLocation.Read(s, 84), Le.U64(s, 92), Le.U64(s, 100));
}

/// <summary>ModuleListStream (4): u32 count, then MINIDUMP_MODULE entries.</summary>
public static class ModuleListStream
{
    public static IReadOnlyList<MinidumpModule> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (!body.Has(4))
        {
            dump.Warn("module list: stream lies past the end of the file");
            return [];
        }
        uint count = Le.U32(body.Data, 0);
        var raw = dump.ReadEntries(body, MinidumpFile.FirstEntryAfterCount(body, count, MinidumpModule.Size), MinidumpModule.Size,
            MinidumpModule.Size, count, Limits.MaxModules, "module list", MinidumpModule.Read);
        var list = new List<MinidumpModule>(raw.Count);
        foreach (var m in raw) list.Add(Resolve(dump, m));
        return list;
    }

    private static MinidumpModule Resolve(MinidumpFile dump, MinidumpModule m)
    {
        string what = $"module at 0x{m.BaseOfImage:x}";
        string name = dump.ReadString(m.ModuleNameRva, $"name of {what}") ?? $"<unavailable name at 0x{m.ModuleNameRva:x}>";
        CodeViewRecord? cv = null;
        uint? unknown = null;
        if (!m.CvRecordLocation.IsEmpty)
        {
            var cvBytes = DebugRecord(dump, m.CvRecordLocation, $"CodeView record of {what}");
            cv = CodeViewRecord.Parse(cvBytes);
            if (cv == null && cvBytes.Length >= 4) unknown = Le.U32(cvBytes, 0);
        }
        MiscDebugRecord? misc = null;
        if (!m.MiscRecordLocation.IsEmpty)
            misc = MiscDebugRecord.Parse(DebugRecord(dump, m.MiscRecordLocation, $"misc record of {what}"));
        return m with { Name = name, CodeView = cv, MiscRecord = misc, UnknownCodeViewSignature = unknown };
    }

    private static ReadOnlySpan<byte> DebugRecord(MinidumpFile dump, MinidumpLocation loc, string what)
    {
        if (loc.DataSize > MinidumpModule.MaxDebugRecordSize)
            throw dump.Error(loc.Rva, $"{what}: size {loc.DataSize} exceeds the limit of {MinidumpModule.MaxDebugRecordSize}");
        var body = dump.Body(loc, what);
        if (body.Truncated) dump.Warn($"{what} is cut off by the end of the file");
        return body.Data;
    }
}
