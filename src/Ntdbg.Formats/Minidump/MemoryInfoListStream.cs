using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_MEMORY_INFO (48 bytes): one region as VirtualQuery reported it.</summary>
public sealed record MinidumpMemoryInfo(ulong BaseAddress, ulong AllocationBase, uint AllocationProtect, ulong RegionSize,
    uint State, uint Protect, uint Type)
{
    public const int Size = 48;

    public static MinidumpMemoryInfo Read(ReadOnlySpan<byte> s) =>
        new(Le.U64(s, 0), Le.U64(s, 8), Le.U32(s, 16), Le.U64(s, 24), Le.U32(s, 32), Le.U32(s, 36), Le.U32(s, 40));
}

/// <summary>MemoryInfoListStream (16): SizeOfHeader, SizeOfEntry, u64 count, then entries.</summary>
public static class MemoryInfoListStream
{
    public static IReadOnlyList<MinidumpMemoryInfo> Read(MinidumpFile dump, MinidumpDirectoryEntry entry) =>
        SizedTable.Read(dump, entry, headerMin: 16, countIs64: true, MinidumpMemoryInfo.Size, Limits.MaxMemoryRanges,
            "memory info list", MinidumpMemoryInfo.Read);
}
