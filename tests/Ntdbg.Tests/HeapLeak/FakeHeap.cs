using Ntdbg.Analyses.Heaps;

namespace Ntdbg.Tests.HeapLeak;

/// <summary>A heap given as its blocks: what a walker would report, without any allocator's layout.</summary>
public sealed class FakeHeap(ulong address, ulong start, ulong end, IReadOnlyList<HeapBlock> blocks) : IHeapWalker
{
    public ulong Address => address;
    public HeapKind Kind => HeapKind.NtHeap;

    public HeapSummary Summarize() => new(address, Kind, 2, end - start, end - start, end - start, 0, 0, 0, 0, 0, false,
        [new HeapRange(start, end, end - start, HeapBlockOrigin.Backend)], []);

    public IEnumerable<HeapBlock> Blocks(List<string> notes) => blocks;

    /// <summary>Blocks of one size laid end to end from <paramref name="start"/>, each with a 16-byte header.</summary>
    public static List<HeapBlock> Run(ulong start, int count, ulong userSize) =>
        Enumerable.Range(0, count).Select(i =>
        {
            ulong entry = start + (ulong)i * (userSize + 16);
            return new HeapBlock(entry, entry + 16, userSize + 16, userSize, HeapBlockState.Busy, HeapBlockOrigin.Backend);
        }).ToList();
}
