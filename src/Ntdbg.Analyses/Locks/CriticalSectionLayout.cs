namespace Ntdbg.Analyses.Locks;

/// <summary>
/// RTL_CRITICAL_SECTION and RTL_CRITICAL_SECTION_DEBUG as the Windows SDK documents them (winnt.h):
/// the same layout on every Windows version and under Wine, so the offsets follow from the pointer
/// size alone. RTL_CRITICAL_SECTION { DebugInfo; LONG LockCount; LONG RecursionCount; HANDLE
/// OwningThread; HANDLE LockSemaphore; ULONG_PTR SpinCount }, RTL_CRITICAL_SECTION_DEBUG { WORD Type;
/// WORD CreatorBackTraceIndex; CriticalSection; LIST_ENTRY ProcessLocksList; DWORD EntryCount;
/// DWORD ContentionCount; ... }.
/// </summary>
public sealed record CriticalSectionLayout(int PointerSize)
{
    public static CriticalSectionLayout For(int pointerSize) => new(pointerSize);

    private int P => PointerSize;

    public int DebugInfo => 0;
    public int LockCount => P;
    public int RecursionCount => P + 4;
    public int OwningThread => P + 8;
    public int LockSemaphore => 2 * P + 8;
    public int SpinCount => 3 * P + 8;
    public int Size => 4 * P + 8;

    public int DebugType => 0;
    public int DebugCreatorBackTraceIndex => 2;
    public int DebugCriticalSection => P; // after two WORDs, pointer-aligned
    public int DebugProcessLocksList => 2 * P;
    public int DebugEntryCount => 4 * P;
    public int DebugContentionCount => 4 * P + 4;
    public int DebugSize => 4 * P + 8;
}
