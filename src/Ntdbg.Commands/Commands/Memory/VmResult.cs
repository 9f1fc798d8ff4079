namespace Ntdbg.Commands.Commands.Memory;

/// <summary>
/// One `!vm` counter in pages. Pages is null when the kernel has no such counter or the dump does
/// not hold it; Unavailable then says why. Source names where the value came from (nt!MiState.Vs.BootCommit).
/// </summary>
public sealed record VmCounter(string Label, ulong? Pages, string? Source, string? Unavailable);

/// <summary>One paging file as _MMPAGING_FILE describes it (sizes in pages); null fields were unreadable.</summary>
public sealed record VmPageFile(string? Name, ulong? CurrentPages, ulong? FreePages, ulong? MinimumPages, ulong? MaximumPages);

/// <summary>
/// `!vm [flags]`: the kernel's memory counters in WinDbg's order. Layout is "globals" (Windows 7,
/// 8.1: nt!Mm*/Mi* variables) or "MiState" (Windows 10 and later: nt!MiState and the system
/// partition). PageFiles come after the counter labelled "Physical Memory"; the excessive-pool
/// line after "NonPagedPool Max".
/// </summary>
public sealed record VmResult(
    string Layout,
    IReadOnlyList<VmCounter> Counters,
    IReadOnlyList<VmPageFile> PageFiles,
    string? PageFilesUnavailable,
    bool ExcessiveNonPagedPoolUsage,
    IReadOnlyList<string> Notes);
