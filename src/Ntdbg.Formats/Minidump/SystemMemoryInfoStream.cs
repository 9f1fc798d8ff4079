using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>
/// MINIDUMP_SYSTEM_MEMORY_INFO_1 (0x1ec bytes): the machine's basic memory facts, file cache, commit and
/// a selection of the performance counters. Offsets: BasicInfo +0x4, FileCacheInfo +0x38,
/// BasicPerfInfo +0x74, PerfInfo +0x94.
/// </summary>
public sealed record MinidumpSystemMemoryInfo(ushort Revision, ushort Flags,
    uint TimerResolution, uint PageSize, uint NumberOfPhysicalPages, uint LowestPhysicalPageNumber, uint HighestPhysicalPageNumber,
    uint AllocationGranularity, ulong MinimumUserModeAddress, ulong MaximumUserModeAddress, ulong ActiveProcessorsAffinityMask,
    uint NumberOfProcessors,
    ulong FileCacheCurrentSize, ulong FileCachePeakSize, uint FileCachePageFaultCount,
    ulong AvailablePages, ulong CommittedPages, ulong CommitLimit, ulong PeakCommitment,
    ulong IdleProcessTime, uint PageFaultCount, uint PagedPoolPages, uint NonPagedPoolPages, uint FreeSystemPtes,
    uint ContextSwitches, uint SystemCalls)
{
    public const int Size = 0x1ec;
}

/// <summary>SystemMemoryInfoStream (21).</summary>
public static class SystemMemoryInfoStream
{
    public static MinidumpSystemMemoryInfo? Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (body.DeclaredSize < MinidumpSystemMemoryInfo.Size)
            throw dump.Error(body.Offset, $"system memory info stream is {body.DeclaredSize} bytes, smaller than MINIDUMP_SYSTEM_MEMORY_INFO_1 ({MinidumpSystemMemoryInfo.Size})");
        if (!body.Has(MinidumpSystemMemoryInfo.Size))
        {
            dump.Warn("system memory info stream is cut off by the end of the file");
            return null;
        }
        var s = body.Data;
        const int basic = 0x4, cache = 0x38, commit = 0x74, perf = 0x94;
        return new MinidumpSystemMemoryInfo(Le.U16(s, 0), Le.U16(s, 2),
            Le.U32(s, basic), Le.U32(s, basic + 4), Le.U32(s, basic + 8), Le.U32(s, basic + 0xc), Le.U32(s, basic + 0x10),
            Le.U32(s, basic + 0x14), Le.U64(s, basic + 0x18), Le.U64(s, basic + 0x20), Le.U64(s, basic + 0x28), Le.U32(s, basic + 0x30),
            Le.U64(s, cache), Le.U64(s, cache + 8), Le.U32(s, cache + 0x10),
            Le.U64(s, commit), Le.U64(s, commit + 8), Le.U64(s, commit + 0x10), Le.U64(s, commit + 0x18),
            Le.U64(s, perf), Le.U32(s, perf + 0x3c), Le.U32(s, perf + 0x70), Le.U32(s, perf + 0x74), Le.U32(s, perf + 0x88),
            Le.U32(s, perf + 0x128), Le.U32(s, perf + 0x134));
    }
}
