using Ntdbg.Analyses.Locks;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>One critical section as `!cs` and `!locks` show it: the section, its owner's debugger index and name, and the threads the stacks show waiting for it.</summary>
public sealed record LockedSectionView(CriticalSectionInfo Section, int? OwnerIndex, string? OwnerName, IReadOnlyList<LockWait> Waiters);
