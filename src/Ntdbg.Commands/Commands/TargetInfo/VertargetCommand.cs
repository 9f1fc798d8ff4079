using Ntdbg.Commands.Engine;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.TargetInfo;

/// <summary>vertarget: the OS version, processors, product and suite, kernel base and times.</summary>
[Command("vertarget", Summary = "Show the target's OS version, processors and session time", Usage = "vertarget")]
public sealed class VertargetCommand : ICommand
{
    private static readonly string[] SuiteNames =
    [
        "SmallBusiness", "Enterprise", "BackOffice", "CommunicationServer", "TerminalServer", "SmallBusinessRestricted",
        "EmbeddedNT", "DataCenter", "SingleUserTS", "Personal", "Blade", "EmbeddedRestricted", "SecurityAppliance",
        "StorageServer", "ComputeServer", "WHServer",
    ];

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var t = s.Target;
        var sys = t.System;
        var k = t as IKernelTarget;
        uint build = sys?.BuildNumber ?? 0;
        var suites = new List<string>();
        if (sys != null)
            for (int i = 0; i < SuiteNames.Length; i++)
                if ((sys.SuiteMask & (1u << i)) != 0) suites.Add(SuiteNames[i]);
        return new VersionReport(
            OsName(sys),
            build,
            t.Kind == TargetKind.KernelDump,
            sys?.ProcessorCount ?? 0,
            t.Machine.DisplayName(),
            string.IsNullOrEmpty(sys?.ServicePack) ? null : sys.ServicePack,
            sys?.ProductType switch { 1 => "WinNt", 2 => "LanManNt", 3 => "ServerNt", _ => null },
            suites,
            sys?.BuildLab,
            k?.KernelBase is ulong kb && kb != 0 ? kb : null,
            k?.PsLoadedModuleList,
            k != null,
            s.PointerSize,
            t.FormatDescription,
            TimeReport.From(s));
    }

    /// <summary>The marketing name WinDbg prints ("Windows 10", "Windows 7").</summary>
    public static string OsName(SystemInfo? sys)
    {
        if (sys == null) return "Windows";
        uint major = sys.MajorVersion, minor = sys.MinorVersion, build = sys.BuildNumber;
        // Kernel dump headers carry 0xF/0xC (free/checked) instead of the OS version: go by build.
        if (major >= 10 && major != 0xf && major != 0xc) return build >= 10240 || major == 10 ? "Windows 10" : $"Windows {major}";
        if (major is 0xf or 0xc || major == 0)
            return build switch
            {
                >= 10240 => "Windows 10",
                >= 9600 => "Windows 8.1",
                >= 9200 => "Windows 8",
                >= 7600 => "Windows 7",
                >= 6000 => "Windows Vista",
                >= 3790 => "Windows Server 2003",
                >= 2600 => "Windows XP",
                _ => "Windows",
            };
        return (major, minor) switch
        {
            (6, 3) => "Windows 8.1",
            (6, 2) => "Windows 8",
            (6, 1) => "Windows 7",
            (6, 0) => "Windows Vista",
            (5, 2) => "Windows Server 2003",
            (5, 1) => "Windows XP",
            (5, 0) => "Windows 2000",
            _ => $"Windows {major}.{minor}",
        };
    }
}
