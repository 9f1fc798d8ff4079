using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_THREAD_INFO: times, start address and affinity of one thread.</summary>
public sealed record MinidumpThreadInfo(uint ThreadId, uint DumpFlags, uint DumpError, uint ExitStatus,
    ulong CreateTime, ulong ExitTime, ulong KernelTime, ulong UserTime, ulong StartAddress, ulong Affinity)
{
    public const int Size = 64;

    public static MinidumpThreadInfo Read(ReadOnlySpan<byte> s) => new(
        Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8), Le.U32(s, 12),
        Le.U64(s, 16), Le.U64(s, 24), Le.U64(s, 32), Le.U64(s, 40), Le.U64(s, 48), Le.U64(s, 56));
}

/// <summary>ThreadInfoListStream (17): SizeOfHeader, SizeOfEntry, NumberOfEntries, then entries.</summary>
public static class ThreadInfoListStream
{
    public static IReadOnlyList<MinidumpThreadInfo> Read(MinidumpFile dump, MinidumpDirectoryEntry entry) =>
        SizedTable.Read(dump, entry, headerMin: 12, countIs64: false, MinidumpThreadInfo.Size, Limits.MaxThreads,
            "thread info list", MinidumpThreadInfo.Read);
}

/// <summary>The tables that start with {SizeOfHeader u32, SizeOfEntry u32, count}: honour both sizes.</summary>
internal static class SizedTable
{
    public static IReadOnlyList<T> Read<T>(MinidumpFile dump, MinidumpDirectoryEntry entry, int headerMin, bool countIs64,
        int entryMin, int max, string what, EntryParser<T> parse)
    {
        var body = dump.Body(entry);
        if (!body.Has(headerMin))
        {
            dump.Warn($"{what}: stream header lies past the end of the file");
            return [];
        }
        uint sizeOfHeader = Le.U32(body.Data, 0);
        uint sizeOfEntry = Le.U32(body.Data, 4);
        ulong count = countIs64 ? Le.U64(body.Data, 8) : Le.U32(body.Data, 8);
        if (sizeOfHeader < headerMin || sizeOfHeader > body.DeclaredSize)
            throw dump.Error(body.Offset, $"{what}: header size {sizeOfHeader} is outside [{headerMin}, stream size {body.DeclaredSize}]");
        if (count > int.MaxValue)
            throw dump.Error(body.Offset + 8, $"{what} count {count} exceeds the limit of {max}");
        return dump.ReadEntries(body, sizeOfHeader, sizeOfEntry, entryMin, (long)count, max, what, parse);
    }
}
