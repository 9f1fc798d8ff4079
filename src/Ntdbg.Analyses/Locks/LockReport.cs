namespace Ntdbg.Analyses.Locks;

/// <summary>What a blocked thread waits for: a critical section or an SRW lock.</summary>
public enum LockWaitKind { CriticalSection, SrwLock }

/// <summary>
/// A thread blocked on a lock. Lock is the lock's address (null for an SRW lock whose address the
/// stack does not give); Function is the lock function its stack names, when symbols name one;
/// Evidence says what the conclusion rests on (docs/locks.md).
/// </summary>
public sealed record LockWait(uint ThreadId, int ThreadIndex, string? ThreadName, LockWaitKind Kind, ulong? Lock, string? LockName,
    string? Function, string Evidence);

/// <summary>One step of a deadlock: the thread, the lock it waits for, and that lock's owner (the next step's thread).</summary>
public sealed record DeadlockStep(uint ThreadId, int ThreadIndex, string? ThreadName, ulong Lock, string? LockName, uint OwnerThreadId);

/// <summary>A wait-for cycle: each thread waits for a lock the next one owns, the last for one the first owns.</summary>
public sealed record DeadlockCycle(IReadOnlyList<DeadlockStep> Steps);

/// <summary>
/// Critical sections (with where each came from), the blocked threads with the lock each waits
/// for, the wait-for cycles, and notes on what could not be read or decided. ListSource says how
/// the process lock list was found (null when it was not).
/// </summary>
public sealed record LockReport(
    IReadOnlyList<CriticalSectionInfo> CriticalSections,
    IReadOnlyList<LockWait> Waits,
    IReadOnlyList<DeadlockCycle> Cycles,
    string? ListSource,
    IReadOnlyList<string> Notes)
{
    public IEnumerable<LockWait> WaitersOf(ulong lockAddress) =>
        Waits.Where(w => w.Kind == LockWaitKind.CriticalSection && w.Lock == lockAddress);
}
