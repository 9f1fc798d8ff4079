namespace Ntdbg.Analyses.Heaps;

/// <summary>
/// A heap that knows the process's other heaps through its allocator's own list (Wine keeps every heap
/// in one ring and leaves PEB.NumberOfHeaps at 0). <see cref="HeapFinder"/> asks the heaps it opened
/// for the rest, so heaps the PEB does not list are found from memory, not guessed.
/// </summary>
public interface ILinkedHeaps
{
    /// <summary>Addresses of the heaps linked with this one (itself included), in list order; unreadable links become notes.</summary>
    IReadOnlyList<ulong> LinkedHeaps(List<string> notes);
}
