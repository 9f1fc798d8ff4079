using Ntdbg.Analyses.Locks;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>
/// `!cs`: the sections shown (after -l or the address), every blocked thread the stacks show, the
/// deadlock cycles, the stacks -o and the cycles ask for, how many sections were found in all,
/// how the process lock list was reached, and notes on what is missing.
/// </summary>
public sealed record CsResult(int PointerSize, bool LockedOnly, bool OwnerStacks, bool InitStacks, ulong? Address,
    IReadOnlyList<LockedSectionView> Sections, IReadOnlyList<LockWait> Waits, IReadOnlyList<DeadlockCycle> Cycles,
    IReadOnlyList<ThreadStack> Stacks, int SectionsFound, string? ListSource, IReadOnlyList<string> Notes);
