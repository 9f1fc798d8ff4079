using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>One range of process memory and where its bytes start in the file.</summary>
public readonly record struct MinidumpMemoryRange(ulong Start, ulong Size, long FileOffset)
{
    public ulong End => Start + Size;
}

/// <summary>MemoryListStream (5): u32 count, then MINIDUMP_MEMORY_DESCRIPTOR entries (32-bit sizes and RVAs).</summary>
public static class MemoryListStream
{
    public static IReadOnlyList<MinidumpMemoryRange> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (!body.Has(4))
        {
            dump.Warn("memory list: stream lies past the end of the file");
            return [];
        }
        uint count = Le.U32(body.Data, 0);
        var descriptors = dump.ReadEntries(body, MinidumpFile.FirstEntryAfterCount(body, count, MinidumpMemoryDescriptor.Size),
            MinidumpMemoryDescriptor.Size, MinidumpMemoryDescriptor.Size, count, Limits.MaxMemoryRanges, "memory list",
            s => MinidumpMemoryDescriptor.Read(s, 0));
        var ranges = new List<MinidumpMemoryRange>(descriptors.Count);
        foreach (var d in descriptors)
        {
            if (d.StartOfMemoryRange + d.Memory.DataSize < d.StartOfMemoryRange)
                throw dump.Error(body.Offset, $"memory list: range at 0x{d.StartOfMemoryRange:x} of 0x{d.Memory.DataSize:x} bytes wraps the address space");
            dump.NoteExtent(d.Memory.End);
            ranges.Add(new MinidumpMemoryRange(d.StartOfMemoryRange, d.Memory.DataSize, d.Memory.Rva));
        }
        return ranges;
    }
}
