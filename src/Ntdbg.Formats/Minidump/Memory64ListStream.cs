using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>
/// Memory64ListStream (9): u64 count, u64 BaseRva, then {Start u64, DataSize u64} descriptors. The data of
/// all ranges lies back to back from BaseRva, in descriptor order (how full-memory dumps store memory).
/// </summary>
public static class Memory64ListStream
{
    public const int HeaderSize = 16;
    public const int DescriptorSize = 16;

    public static IReadOnlyList<MinidumpMemoryRange> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (!body.Has(HeaderSize))
        {
            dump.Warn("memory64 list: stream header lies past the end of the file");
            return [];
        }
        ulong count = Le.U64(body.Data, 0);
        ulong baseRva = Le.U64(body.Data, 8);
        if (count > Limits.MaxMemoryRanges)
            throw dump.Error(body.Offset, $"memory64 list count {count} exceeds the limit of {Limits.MaxMemoryRanges}");
        if (baseRva > long.MaxValue / 2)
            throw dump.Error(body.Offset + 8, $"memory64 list: base RVA 0x{baseRva:x} is not a file offset");
        var descriptors = dump.ReadEntries(body, HeaderSize, DescriptorSize, DescriptorSize, (long)count, Limits.MaxMemoryRanges,
            "memory64 list", s => (Start: Le.U64(s, 0), Size: Le.U64(s, 8)));
        var ranges = new List<MinidumpMemoryRange>(descriptors.Count);
        long offset = (long)baseRva;
        foreach (var (start, size) in descriptors)
        {
            if (size > long.MaxValue / 2 || offset + (long)size < offset || offset + (long)size > long.MaxValue / 2)
                throw dump.Error(body.Offset, $"memory64 list: range at 0x{start:x} has an impossible size 0x{size:x}");
            if (start + size < start)
                throw dump.Error(body.Offset, $"memory64 list: range at 0x{start:x} of 0x{size:x} bytes wraps the address space");
            ranges.Add(new MinidumpMemoryRange(start, size, offset));
            offset += (long)size;
        }
        dump.NoteExtent(offset);
        return ranges;
    }
}
