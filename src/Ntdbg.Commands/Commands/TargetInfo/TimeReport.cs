namespace Ntdbg.Commands.Commands.TargetInfo;

/// <summary>What `.time` prints; absent values are null.</summary>
public sealed record TimeReport(
    DateTimeOffset? DumpTimeUtc,
    int ZoneOffsetMinutes,
    TimeSpan? SystemUpTime,
    TimeSpan? ProcessUpTime,
    TimeSpan? ProcessKernelTime,
    TimeSpan? ProcessUserTime,
    bool IsUserDump)
{
    public static TimeReport From(Session.DebugSession s)
    {
        var t = s.Target.Times;
        int zone = s.TimeZoneOverrideHours is int h ? h * 60 : t.TimeZoneBiasMinutes ?? 0;
        return new TimeReport(t.DumpTime, zone, t.SystemUpTime, t.ProcessUpTime, t.ProcessKernelTime, t.ProcessUserTime,
            s.Target.Kind == Targets.TargetKind.UserDump);
    }
}
