using Ntdbg.Analyses.Locks;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>`!locks`: the sections shown, how many were scanned, the blocked threads, the deadlock cycles and their threads' stacks, and notes.</summary>
public sealed record LocksResult(int PointerSize, bool Verbose, IReadOnlyList<LockedSectionView> Sections, int Scanned,
    IReadOnlyList<LockWait> Waits, IReadOnlyList<DeadlockCycle> Cycles, IReadOnlyList<ThreadStack> Stacks, string? ListSource,
    IReadOnlyList<string> Notes);
