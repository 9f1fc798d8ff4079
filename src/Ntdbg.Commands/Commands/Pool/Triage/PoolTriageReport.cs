using Ntdbg.Analyses.Pool;

namespace Ntdbg.Commands.Commands.Pool.Triage;

public enum PoolKind { NonPaged, Paged }

/// <summary>One pool's size as the dump tells it. Bytes fields are null when the dump does not hold them.</summary>
/// <param name="UsedBytes">From `!vm`'s NonPagedPool/PagedPool Usage, else the pool tag table's sum (see <paramref name="UsedSource"/>).</param>
/// <param name="TaggedBytes">The sum over nt!PoolTrackTable's tags for this pool.</param>
/// <param name="Excessive">One of the rules in <see cref="PoolTriageRules"/> holds; <paramref name="Reasons"/> says which, with the figures.</param>
public sealed record PoolFigures(
    PoolKind Pool,
    ulong? UsedBytes,
    string UsedSource,
    ulong? MaximumBytes,
    double? ShareOfMaximum,
    double? ShareOfRam,
    ulong TaggedBytes,
    bool Excessive,
    IReadOnlyList<string> Reasons);

/// <summary>A tag's place in one pool's ranking: its bytes and outstanding allocations, as shares of the pool's tagged bytes and of RAM.</summary>
public sealed record PoolTagRank(int Rank, string Tag, ulong Bytes, long Allocations, double ShareOfPool, double? ShareOfRam, string? Description);

/// <summary>
/// Which pool the dump's figures point at. Problem is null when neither pool looks excessive;
/// Examined is then the pool whose top tag holds the most bytes (a leak shows as one large tag).
/// </summary>
public sealed record PoolTriageVerdict(PoolKind? Problem, PoolKind Examined, string Summary);

/// <summary>
/// One module that uses a suspect tag, with the evidence: the code that allocates with it (module,
/// function, instruction, call, address), other code and data uses, and where it was seen (the
/// dump's module image, a file under --drivers, or both).
/// </summary>
public sealed record PoolDriverEvidence(
    string Module,
    bool InDump,
    bool OnDisk,
    IReadOnlyList<PoolTagCodeHit> Allocations,
    IReadOnlyList<PoolTagCodeHit> OtherCode,
    IReadOnlyList<PoolTagStringHit> Data);

/// <summary>
/// A suspect tag and the drivers that use it, best evidence first. Unscanned lists the modules or
/// parts of modules the search could not see (missing from the dump, unreadable files), so an
/// empty Drivers list is read with them in mind.
/// </summary>
public sealed record PoolTagSuspect(
    PoolKind Pool,
    PoolTagRank Rank,
    bool ExcessiveForRam,
    IReadOnlyList<PoolDriverEvidence> Drivers,
    int ModulesScanned,
    int FilesScanned,
    IReadOnlyList<string> Unscanned);

/// <summary>
/// `ntdbg triage pool`: the machine's RAM, both pools' figures, the verdict, the top tags of each
/// pool, the suspect tags with the drivers using them, and what to do next.
/// </summary>
public sealed record PoolTriageReport(
    string DumpPath,
    string? DriversFolder,
    ulong? PhysicalMemoryBytes,
    PoolFigures NonPaged,
    PoolFigures Paged,
    PoolTriageVerdict Verdict,
    IReadOnlyList<PoolTagRank> TopNonPaged,
    IReadOnlyList<PoolTagRank> TopPaged,
    IReadOnlyList<PoolTagSuspect> Suspects,
    IReadOnlyList<string> NextSteps,
    IReadOnlyList<string> Notes,
    int PointerSize);
