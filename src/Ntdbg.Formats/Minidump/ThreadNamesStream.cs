using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_THREAD_NAME: thread id and an RVA64 to a MINIDUMP_STRING.</summary>
public sealed record MinidumpThreadName(uint ThreadId, string? Name, ulong NameRva);

/// <summary>ThreadNamesStream (24): u32 count, then packed 12-byte {ThreadId u32, RvaOfThreadName u64} entries.</summary>
public static class ThreadNamesStream
{
    public const int EntrySize = 12;

    public static IReadOnlyList<MinidumpThreadName> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (!body.Has(4))
        {
            dump.Warn("thread names: stream lies past the end of the file");
            return [];
        }
        uint count = Le.U32(body.Data, 0);
        var raw = dump.ReadEntries(body, 4, EntrySize, EntrySize, count, Limits.MaxThreads, "thread names",
            s => (Id: Le.U32(s, 0), Rva: Le.U64(s, 4)));
        var list = new List<MinidumpThreadName>(raw.Count);
        foreach (var (id, rva) in raw)
        {
            string? name = rva > (ulong)long.MaxValue ? null : dump.ReadString((long)rva, $"name of thread 0x{id:x}");
            list.Add(new MinidumpThreadName(id, name, rva));
        }
        return list;
    }
}
