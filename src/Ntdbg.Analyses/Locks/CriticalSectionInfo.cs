namespace Ntdbg.Analyses.Locks;

/// <summary>
/// How LockCount was read. Legacy (Windows before Server 2003 SP1, and Wine): −1 when free,
/// otherwise the number of EnterCriticalSection calls past the first, so waiters = LockCount −
/// (RecursionCount − 1). Modern (Server 2003 SP1 and later): bit 0 clear = locked, bit 1 clear = a
/// waiter has been woken, the rest is the ones' complement of the waiter count:
/// waiters = (−1 − LockCount) >> 2. −1 is "free, no waiters" in both; a locked section is ≥ 0 in the
/// legacy encoding and below −1 in the modern one, so the sign tells them apart.
/// </summary>
public enum LockCountEncoding { Free, Legacy, Modern }

/// <summary>RTL_CRITICAL_SECTION_DEBUG's fields; Flink/Blink are ProcessLocksList's.</summary>
public sealed record CriticalSectionDebug(ushort Type, ushort CreatorBackTraceIndex, ulong CriticalSection,
    ulong Flink, ulong Blink, uint EntryCount, uint ContentionCount);

/// <summary>
/// One critical section as read from the dump. Name is the symbol at its address
/// (deadlock_x64!g_LockA) when one covers it; FoundBy says where the address came from;
/// Debug is null when DebugInfo is null, the no-debug-info marker (−1) or not in the dump
/// (DebugNote then says which).
/// </summary>
public sealed record CriticalSectionInfo(
    ulong Address,
    string? Name,
    ulong DebugInfo,
    int LockCount,
    int RecursionCount,
    ulong OwningThread,
    ulong LockSemaphore,
    ulong SpinCount,
    CriticalSectionDebug? Debug,
    string? DebugNote,
    string FoundBy)
{
    public LockCountEncoding Encoding => LockCount == -1 ? LockCountEncoding.Free : LockCount >= 0 ? LockCountEncoding.Legacy : LockCountEncoding.Modern;

    public bool Locked => Encoding switch
    {
        LockCountEncoding.Legacy => true,
        LockCountEncoding.Modern => (LockCount & 1) == 0,
        _ => false,
    };

    /// <summary>Threads waiting to enter, decoded from LockCount (see <see cref="LockCountEncoding"/>).</summary>
    public int Waiters => Encoding switch
    {
        LockCountEncoding.Legacy => Math.Max(0, LockCount - Math.Max(0, RecursionCount - 1)),
        LockCountEncoding.Modern => (int)((-1L - LockCount) >> 2),
        _ => 0,
    };

    /// <summary>Modern encoding only: bit 1 clear means a waiting thread has been woken.</summary>
    public bool? WaiterWoken => Encoding == LockCountEncoding.Modern ? (LockCount & 2) == 0 : null;

    /// <summary>The owner's thread id (OwningThread holds the id, not a handle), 0 when none.</summary>
    public uint OwnerThreadId => Locked ? (uint)OwningThread : 0;
}
