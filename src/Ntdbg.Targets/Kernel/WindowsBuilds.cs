namespace Ntdbg.Targets.Kernel;

/// <summary>Facts about Windows kernels that the dump header does not carry, keyed by build number.</summary>
public static class WindowsBuilds
{
    /// <summary>The NT version (major, minor) of a build number, as `vertarget` reports it.</summary>
    public static (uint Major, uint Minor) NtVersion(uint build) => build switch
    {
        >= 10240 => (10, 0),
        >= 9600 => (6, 3),
        >= 9200 => (6, 2),
        >= 7600 => (6, 1),
        >= 6000 => (6, 0),
        >= 3790 => (5, 2),
        >= 2600 => (5, 1),
        >= 2195 => (5, 0),
        _ => (0, 0),
    };

    /// <summary>
    /// Offset of _KPRCB.DebuggerSavedIRQL on x64 (the IRQL `!irql` reports for a dump: x64 keeps the
    /// live IRQL in CR8, which the bugcheck path raises; the debugger-saved copy is the one before).
    /// Taken from the kernel symbol tables of each build; null for builds not listed.
    /// </summary>
    public static int? X64DebuggerSavedIrqlOffset(uint build) => build switch
    {
        7600 or 7601 => 0x4f18,
        9600 => 0x5b18,
        14393 => 0x5b18,
        17763 => 0x5b98,
        >= 19041 and <= 19045 => 0x7e98,
        20348 => 0x8158,
        22000 => 0x8158,
        _ => null,
    };
}
