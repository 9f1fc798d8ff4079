namespace Ntdbg.Commands.Commands.TargetInfo;

/// <summary>What `vertarget` prints.</summary>
public sealed record VersionReport(
    string OsName,
    uint BuildNumber,
    bool IsKernel,
    uint ProcessorCount,
    string Machine,
    string? ServicePack,
    string? Product,
    IReadOnlyList<string> Suites,
    string? BuildLab,
    ulong? KernelBase,
    ulong? PsLoadedModuleList,
    bool ShowKernelBase,
    int PointerSize,
    string DumpFormat,
    TimeReport Time);
