namespace Ntdbg.Analyses.Heaps;

/// <summary>Every allocator ntdbg knows, tried in this order on each heap address (first signature match wins).</summary>
public static class HeapWalkerFactories
{
    public static IReadOnlyList<IHeapWalkerFactory> All { get; } =
    [
        // One line per allocator: Nt (Heaps/Nt), Segment (Heaps/Segment), Wine (Heaps/Wine).
        // Wine first: its heap carries the NT heap's 0xffeeffee signature too, and only Wine's check also asks for its "HEAP" magic.
        new Wine.WineHeapWalkerFactory(),
        new Nt.NtHeapWalkerFactory(),
        new Segment.SegmentHeapWalkerFactory(),
    ];
}
