namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>How a scenario spoils the dump header's pointers to the kernel's globals, to test that a reader finds the kernel without them.</summary>
public enum HeaderDamage
{
    /// <summary>The header is right.</summary>
    None,
    /// <summary>KdDebuggerDataBlock, PsLoadedModuleList and PsActiveProcessHead are zero.</summary>
    Zeroed,
    /// <summary>They point into unmapped kernel space, far from the kernel.</summary>
    Wrong,
}
