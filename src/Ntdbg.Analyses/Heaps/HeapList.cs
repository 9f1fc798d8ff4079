namespace Ntdbg.Analyses.Heaps;

/// <summary>
/// The heaps of a user process: the PEB's ProcessHeaps array (NumberOfHeaps entries), each given to the
/// walker whose signature matches. Heaps the PEB does not list (or a dump without the PEB) are reported
/// in <see cref="Notes"/>, never guessed silently.
/// </summary>
public sealed record HeapList(
    ulong? Peb,
    ulong? ProcessHeap,
    IReadOnlyList<IHeapWalker> Heaps,
    IReadOnlyList<string> Notes);
