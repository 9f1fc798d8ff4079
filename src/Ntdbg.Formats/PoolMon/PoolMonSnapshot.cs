namespace Ntdbg.Formats.PoolMon;

/// <summary>Which pool a poolmon row counts: poolmon prints "Nonp" and "Paged"; anything else is kept as Other with its text.</summary>
public enum PoolMonPoolType
{
    NonPaged,
    Paged,
    Other,
}

/// <summary>
/// One row of a poolmon table. Allocs, Frees and Bytes are what poolmon printed (cumulative since
/// boot for Allocs/Frees, current for Bytes); the three deltas are the "( n)" columns of the
/// interactive screen (change since the previous refresh), null when the row has none (-n logs).
/// <see cref="MappedDriver"/> is the /g or /c column's text, null when absent.
/// </summary>
public sealed record PoolMonRow(
    string Tag,
    PoolMonPoolType Type,
    string TypeText,
    long Allocs,
    long? AllocsDelta,
    long Frees,
    long? FreesDelta,
    long Diff,
    long Bytes,
    long? BytesDelta,
    long PerAlloc,
    string? MappedDriver,
    int Line);

/// <summary>
/// The two lines above the table, in KB as poolmon prints them ("Memory:16468560K Avail:...",
/// "Commit:... Pool N:...K P:...K"). Each value is null when its label was not on the line.
/// </summary>
public sealed record PoolMonSystemHeader(
    long? MemoryKb,
    long? AvailableKb,
    long? PageFaults,
    long? InRamKernelKb,
    long? InRamPagedKb,
    long? CommitKb,
    long? CommitLimitKb,
    long? CommitPeakKb,
    long? PoolNonPagedKb,
    long? PoolPagedKb);

/// <summary>
/// One poolmon screen or one `-n` log: header (when present), table title ("System pool
/// information", "All sessions pool information"), rows in the file's order, and the timestamp
/// written on a line of its own just before the snapshot (when a script put one there; poolmon
/// itself writes none). <see cref="Line"/> is where the snapshot starts in <see cref="Source"/>.
/// </summary>
public sealed record PoolMonSnapshot(
    string Source,
    int Line,
    DateTime? Timestamp,
    PoolMonSystemHeader? Header,
    string? Title,
    bool HasDeltaColumns,
    IReadOnlyList<PoolMonRow> Rows);

/// <summary>Every snapshot of one file, in file order, and how many lines outside any table were passed over (a prompt, a command line).</summary>
public sealed record PoolMonLog(string Source, IReadOnlyList<PoolMonSnapshot> Snapshots, int SkippedLines);
