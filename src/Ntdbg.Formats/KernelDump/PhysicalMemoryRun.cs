namespace Ntdbg.Formats.KernelDump;

/// <summary>PHYSICAL_MEMORY_RUN: <see cref="PageCount"/> physical pages starting at page frame <see cref="BasePage"/>.</summary>
public readonly record struct PhysicalMemoryRun(ulong BasePage, ulong PageCount);
