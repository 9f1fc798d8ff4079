namespace Ntdbg.Analyses.Analyze.BugChecks;

internal static partial class BugCheckData
{
    /// <summary>
    /// Codes that older Windows versions raise and older headers name, but that the current
    /// public reference no longer lists; dumps from those systems still carry them.
    /// </summary>
    private static IEnumerable<BugCheckInfo> OlderCodes() =>
    [
        B(0x83, "OFS_FILE_SYSTEM", "The OFS file system hit a fatal condition (old systems only)."),
        B(0x84, "RECOM_DRIVER", "The RECOM driver hit a fatal condition (old systems only)."),
        B(0x86, "AUDIT_FAILURE", "Security auditing failed and the policy says to stop the system."),
        B(0x91, "WIN32K_INIT_OR_RIT_FAILURE", "Win32k or its raw input thread failed to initialize."),
        B(0x95, "PNP_INTERNAL_ERROR", "The Plug and Play manager hit an internal error."),
        B(0xA6, "FP_EMULATION_ERROR", "Floating-point emulation failed."),
        B(0xC0, "PCI_CONFIG_SPACE_ACCESS_FAILURE", "Access to PCI configuration space failed."),
        B(0xE5, "POWER_FAILURE_SIMULATE", "A simulated power failure was requested."),
    ];
}
