namespace Ntdbg.Analyses.Pool;

/// <summary>The tag's bytes found as data in a non-executable section.</summary>
public sealed record PoolTagStringHit(string Module, string Section, uint Rva, string Tag);

/// <summary>
/// An instruction whose 32-bit immediate is the tag. <see cref="CallTarget"/> names the import the
/// next call within a few instructions goes through (null when there is none or it is not an
/// import); <see cref="IsPoolCall"/> says that import is a pool allocation/free routine.
/// </summary>
public sealed record PoolTagCodeHit(
    string Module,
    string? Function,
    uint FunctionRva,
    uint Rva,
    string Tag,
    string Instruction,
    string? CallTarget,
    uint? CallRva,
    bool IsPoolCall);

public sealed record PoolTagModuleError(string Path, string Problem);

public sealed record PoolTagResult(
    string Tag,
    uint Value,
    int FilesScanned,
    IReadOnlyList<PoolTagCodeHit> CodeHits,
    IReadOnlyList<PoolTagStringHit> StringHits,
    IReadOnlyList<PoolTagModuleError> Errors);
