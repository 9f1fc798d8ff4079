namespace Ntdbg.Analyses.Pool;

/// <summary>Where an image was read: a file on disk, or the module's pages in a dump.</summary>
public enum PoolTagSource { File, Dump }

/// <summary>The tag's bytes found as data in a non-executable section.</summary>
public sealed record PoolTagStringHit(PoolTagSource Source, string Module, string Section, uint Rva, ulong Address, string Tag);

/// <summary>
/// An instruction whose 32-bit immediate is the tag. <see cref="Address"/> is where it lies: the
/// module's loaded base + RVA in a dump, the image's preferred base + RVA for a file.
/// <see cref="CallTarget"/> names the import the next call within a few instructions goes through
/// (null when there is none or it is not an import); <see cref="IsPoolCall"/> says that import is a
/// pool allocation/free routine.
/// </summary>
public sealed record PoolTagCodeHit(
    PoolTagSource Source,
    string Module,
    string? Function,
    uint FunctionRva,
    uint Rva,
    ulong Address,
    string Tag,
    string Instruction,
    string? CallTarget,
    uint? CallRva,
    bool IsPoolCall)
{
    /// <summary>The call is one of the allocation routines (not a free): the code allocates with the tag.</summary>
    public bool IsAllocation => IsPoolCall && CallTarget != null && PoolTagFinder.AllocationRoutines.Contains(CallTarget);
}

/// <summary>An image that could not be scanned at all (not a PE, header not in the dump), by path or module name.</summary>
public sealed record PoolTagModuleError(string Path, string Problem);

/// <summary>
/// Part of a module the dump does not hold (pages not captured, a discarded INIT section), so a use
/// of the tag there cannot be seen: [Address, Address+Length), the kind of hole (a
/// <see cref="Ntdbg.Core.Memory.MemoryFaultKind"/> name, or "Discarded") and why, as the first
/// page's fault says it (adjacent pages with the same kind are one range).
/// </summary>
public sealed record PoolTagMissingRange(string Module, string Section, uint Rva, ulong Address, uint Length, string Kind, string Reason);

public sealed record PoolTagResult(
    string Tag,
    uint Value,
    int ImagesScanned,
    IReadOnlyList<PoolTagCodeHit> CodeHits,
    IReadOnlyList<PoolTagStringHit> StringHits,
    IReadOnlyList<PoolTagMissingRange> Missing,
    IReadOnlyList<PoolTagModuleError> Errors);
