namespace Ntdbg.Targets.Model;

/// <summary>What the dump says about the machine and OS that wrote it.</summary>
public sealed record SystemInfo(
    Machine Machine,
    uint ProcessorCount,
    uint MajorVersion,
    uint MinorVersion,
    uint BuildNumber,
    uint PlatformId = 2,
    string? ServicePack = null,
    /// <summary>1 workstation (WinNt), 2 domain controller (LanManNt), 3 server (ServerNt).</summary>
    uint ProductType = 0,
    uint SuiteMask = 0,
    ushort ProcessorLevel = 0,
    ushort ProcessorRevision = 0,
    string? CpuVendor = null,
    /// <summary>Build lab string when the dump holds it ("19041.1.amd64fre.vb_release.191206-1406").</summary>
    string? BuildLab = null);

/// <summary>Times that `.time` and `vertarget` report.</summary>
public sealed record TargetTimes(
    DateTimeOffset? DumpTime,
    TimeSpan? SystemUpTime = null,
    DateTimeOffset? ProcessCreateTime = null,
    TimeSpan? ProcessUserTime = null,
    TimeSpan? ProcessKernelTime = null,
    /// <summary>Minutes east of UTC for the machine's local time, when the dump records it.</summary>
    int? TimeZoneBiasMinutes = null,
    string? TimeZoneName = null)
{
    /// <summary>How long the process had run when the dump was written (`.time`'s "Process Uptime").</summary>
    public TimeSpan? ProcessUpTime => DumpTime is { } d && ProcessCreateTime is { } c && d >= c ? d - c : null;
}
