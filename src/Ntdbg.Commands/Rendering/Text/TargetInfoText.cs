using Ntdbg.Commands.Commands.TargetInfo;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class TimeReportText : TextRenderer<TimeReport>
{
    protected override void Render(TimeReport r, TextWriter o) => Write(r, o);

    public static void Write(TimeReport r, TextWriter o)
    {
        o.WriteLine(r.DumpTimeUtc is { } d
            ? $"Debug session time: {WinDbgTime.SessionTime(d, r.ZoneOffsetMinutes)}"
            : "Debug session time: not available");
        o.WriteLine(r.SystemUpTime is { } up ? $"System Uptime: {WinDbgTime.Duration(up)}" : "System Uptime: not available");
        if (!r.IsUserDump) return;
        o.WriteLine(r.ProcessUpTime is { } pu ? $"Process Uptime: {WinDbgTime.Duration(pu)}" : "Process Uptime: not available");
        if (r.ProcessKernelTime is { } kt) o.WriteLine($"  Kernel time: {WinDbgTime.Duration(kt)}");
        if (r.ProcessUserTime is { } ut) o.WriteLine($"  User time: {WinDbgTime.Duration(ut)}");
    }
}

public sealed class VersionReportText : TextRenderer<VersionReport>
{
    protected override void Render(VersionReport r, TextWriter o)
    {
        string mp = r.ProcessorCount > 1 ? "MP" : "UP";
        string kind = r.IsKernel ? "Kernel Version" : "Version";
        string sp = r.ServicePack != null ? $" ({r.ServicePack})" : "";
        o.WriteLine($"{r.OsName} {kind} {r.BuildNumber}{sp} {mp} ({r.ProcessorCount} procs) Free {r.Machine}");
        if (r.Product != null)
            o.WriteLine($"Product: {r.Product}, suite: {string.Join(' ', r.Suites)}");
        // WinDbg labels the lab string "Built by" for kernels before Windows 10, "Edition build lab" after.
        if (r.BuildLab != null) o.WriteLine(r.BuildNumber is > 0 and < 10240 ? $"Built by: {r.BuildLab}" : $"Edition build lab: {r.BuildLab}");
        if (r.ShowKernelBase)
        {
            // Without a readable KDBG or module list the kernel base is unknown: say so, never print 0.
            string kb = r.KernelBase is ulong b ? "0x" + Hex.Pointer(b, r.PointerSize) : "unavailable";
            o.WriteLine($"Kernel base = {kb} PsLoadedModuleList = 0x{Hex.Pointer(r.PsLoadedModuleList ?? 0, r.PointerSize)}");
        }
        TimeReportText.Write(r.Time, o);
    }
}
