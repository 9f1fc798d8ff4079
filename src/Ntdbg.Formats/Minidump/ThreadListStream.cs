using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_THREAD (48 bytes) or MINIDUMP_THREAD_EX (64 bytes, adds the IA-64 backing store).</summary>
public sealed record MinidumpThread(uint ThreadId, uint SuspendCount, uint PriorityClass, uint Priority, ulong Teb,
    MinidumpMemoryDescriptor Stack, MinidumpLocation Context, MinidumpMemoryDescriptor? BackingStore = null)
{
    public const int Size = 48;
    public const int ExSize = 64;

    public static MinidumpThread Read(ReadOnlySpan<byte> s) => new(
        Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8), Le.U32(s, 12), Le.U64(s, 16),
        MinidumpMemoryDescriptor.Read(s, 24), MinidumpLocation.Read(s, 40));

    public static MinidumpThread ReadEx(ReadOnlySpan<byte> s) => Read(s) with { BackingStore = MinidumpMemoryDescriptor.Read(s, 48) };
}

/// <summary>ThreadListStream (3): u32 count, then MINIDUMP_THREAD entries.</summary>
public static class ThreadListStream
{
    public static IReadOnlyList<MinidumpThread> Read(MinidumpFile dump, MinidumpDirectoryEntry entry) =>
        ReadList(dump, entry, MinidumpThread.Size, MinidumpThread.Read, "thread list");

    internal static IReadOnlyList<MinidumpThread> ReadList(MinidumpFile dump, MinidumpDirectoryEntry entry, int entrySize,
        EntryParser<MinidumpThread> parse, string what)
    {
        var body = dump.Body(entry);
        if (!body.Has(4))
        {
            dump.Warn($"{what}: stream lies past the end of the file");
            return [];
        }
        uint count = Le.U32(body.Data, 0);
        return dump.ReadEntries(body, MinidumpFile.FirstEntryAfterCount(body, count, entrySize), entrySize, entrySize, count,
            Limits.MaxThreads, what, parse);
    }
}

/// <summary>ThreadExListStream (8): like the thread list, with MINIDUMP_THREAD_EX entries.</summary>
public static class ThreadExListStream
{
    public static IReadOnlyList<MinidumpThread> Read(MinidumpFile dump, MinidumpDirectoryEntry entry) =>
        ThreadListStream.ReadList(dump, entry, MinidumpThread.ExSize, MinidumpThread.ReadEx, "thread ex list");
}
