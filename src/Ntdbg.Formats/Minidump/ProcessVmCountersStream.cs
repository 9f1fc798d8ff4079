using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>
/// MINIDUMP_PROCESS_VM_COUNTERS_1 (80 bytes) or _2 (152 bytes, Revision 2). The two layouts differ after
/// PeakPagefileUsage: revision 1 has PrivateUsage there, revision 2 the virtual sizes first.
/// Fields a revision lacks, or whose Flags bit is clear, are null.
/// </summary>
public sealed record MinidumpVmCounters(ushort Revision, ushort Flags, uint PageFaultCount, ulong PeakWorkingSetSize, ulong WorkingSetSize,
    ulong QuotaPeakPagedPoolUsage, ulong QuotaPagedPoolUsage, ulong QuotaPeakNonPagedPoolUsage, ulong QuotaNonPagedPoolUsage,
    ulong PagefileUsage, ulong PeakPagefileUsage, ulong PrivateUsage)
{
    public const int Size1 = 80;
    public const int Size2 = 152;

    public ulong? PeakVirtualSize { get; init; }
    public ulong? VirtualSize { get; init; }
    public ulong? PrivateWorkingSetSize { get; init; }
    public ulong? SharedCommitUsage { get; init; }
    public ulong? JobSharedCommitUsage { get; init; }
    public ulong? JobPrivateCommitUsage { get; init; }
    public ulong? JobPeakPrivateCommitUsage { get; init; }
    public ulong? JobPrivateCommitLimit { get; init; }
    public ulong? JobTotalCommitLimit { get; init; }
}

/// <summary>ProcessVmCountersStream (22).</summary>
public static class ProcessVmCountersStream
{
    private const ushort VirtualSizeFlag = 0x2, Ex2Flag = 0x8, JobFlag = 0x10;

    public static MinidumpVmCounters? Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (body.DeclaredSize < MinidumpVmCounters.Size1)
            throw dump.Error(body.Offset, $"process VM counters stream is {body.DeclaredSize} bytes, smaller than revision 1 ({MinidumpVmCounters.Size1})");
        if (!body.Has(2))
        {
            dump.Warn("process VM counters stream lies past the end of the file");
            return null;
        }
        var s = body.Data;
        ushort revision = Le.U16(s, 0);
        if (revision < 2)
        {
            if (!body.Has(MinidumpVmCounters.Size1)) { dump.Warn("process VM counters stream is cut off by the end of the file"); return null; }
            return new MinidumpVmCounters(revision, 0, Le.U32(s, 4), Le.U64(s, 8), Le.U64(s, 16), Le.U64(s, 24), Le.U64(s, 32), Le.U64(s, 40),
                Le.U64(s, 48), Le.U64(s, 56), Le.U64(s, 64), Le.U64(s, 72));
        }
        if (body.DeclaredSize < MinidumpVmCounters.Size2)
            throw dump.Error(body.Offset, $"process VM counters revision {revision} needs {MinidumpVmCounters.Size2} bytes; the stream holds {body.DeclaredSize}");
        if (!body.Has(MinidumpVmCounters.Size2)) { dump.Warn("process VM counters stream is cut off by the end of the file"); return null; }
        ushort flags = Le.U16(s, 2);
        byte[] copy = s[..MinidumpVmCounters.Size2].ToArray();
        ulong? If(ushort flag, int offset) => (flags & flag) != 0 ? Le.U64(copy, offset) : null;
        return new MinidumpVmCounters(revision, flags, Le.U32(s, 4), Le.U64(s, 8), Le.U64(s, 16), Le.U64(s, 24), Le.U64(s, 32), Le.U64(s, 40),
            Le.U64(s, 48), Le.U64(s, 56), Le.U64(s, 64), Le.U64(s, 88))
        {
            PeakVirtualSize = If(VirtualSizeFlag, 72),
            VirtualSize = If(VirtualSizeFlag, 80),
            PrivateWorkingSetSize = If(Ex2Flag, 96),
            SharedCommitUsage = If(Ex2Flag, 104),
            JobSharedCommitUsage = If(JobFlag, 112),
            JobPrivateCommitUsage = If(JobFlag, 120),
            JobPeakPrivateCommitUsage = If(JobFlag, 128),
            JobPrivateCommitLimit = If(JobFlag, 136),
            JobTotalCommitLimit = If(JobFlag, 144),
        };
    }
}
