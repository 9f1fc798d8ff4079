using Ntdbg.Analyses.Heaps;
using Ntdbg.Analyses.Heaps.Wine;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// Wine's heap walker on a synthetic heap (<see cref="WineHeapImage"/>), intact and then corrupted: bad block
/// headers, looping lists, missing memory. Every walk must end (within a deadline) with a note saying where
/// and why, never hang or throw.
/// </summary>
public sealed class WineHeapHostileTests
{
    public static TheoryData<int> PointerSizes => new() { 8, 4 };

    [Theory]
    [MemberData(nameof(PointerSizes))]
    public void Intact_synthetic_heap_walks_and_sums(int pointerSize)
    {
        var image = new WineHeapImage(pointerSize);
        var (summary, blocks, notes) = Walk(image.Context());
        Assert.Empty(notes);
        Assert.Empty(summary.Notes);
        var busy = blocks.Where(b => b.State == HeapBlockState.Busy).ToList();
        Assert.Equal(WineHeapImage.BusyBlocks, busy.Count);
        Assert.All(busy, b => Assert.Equal((WineHeapImage.BusySize, WineHeapImage.BusySize - 16), (b.BlockSize, b.UserSize)));
        Assert.Equal(image.BusyBlock(3) + 8, busy[3].UserAddress);
        Assert.Equal((WineHeapImage.Reserve, WineHeapImage.Commit), (summary.ReservedBytes, summary.CommittedBytes));
        Assert.Equal(WineHeapImage.Heap + WineHeapImage.Commit - image.FreeBlock, summary.FreeBytes);
        Assert.Equal((1, 1, 0), (summary.FreeListLength, summary.UncommittedRanges, summary.VirtualBlocks));
    }

    [Theory]
    [MemberData(nameof(PointerSizes))]
    public void Corrupt_block_headers_end_the_walk_with_a_note(int pointerSize)
    {
        foreach (var (what, corrupt) in new (string, Action<WineHeapImage>)[]
        {
            ("zero size", i => i.Header(i.BusyBlock(4), 0, 0, 0, 0x5355)),
            ("unknown type", i => i.Header(i.BusyBlock(4), 4, 0, 0, 0x4141)),
            ("past the end", i => i.Header(i.BusyBlock(4), 0xffff, 0, 0, 0x5355)),
            ("free-list head in a subheap", i => i.Header(i.BusyBlock(4), 4, 3, 0, 0x5246)),
        })
        {
            var image = new WineHeapImage(pointerSize);
            corrupt(image);
            var (summary, blocks, notes) = Walk(image.Context());
            Assert.Contains(notes, n => n.Contains("corrupt block header") && n.Contains(image.BusyBlock(4).ToString("x")));
            Assert.Equal(4, blocks.Count(b => b.State == HeapBlockState.Busy));
            Assert.Contains(summary.Notes, n => n.Contains("corrupt block header"));
            Assert.True(notes.Count > 0, what);
        }
    }

    [Theory]
    [MemberData(nameof(PointerSizes))]
    public void Looping_lists_end_with_a_note(int pointerSize)
    {
        // The subheap's link points at itself instead of back to the list head.
        var image = new WineHeapImage(pointerSize);
        image.Ptr(image.SubheapEntry, image.SubheapEntry);
        var (summary, blocks, notes) = Walk(image.Context());
        Assert.Contains(notes, n => n.Contains("subheap list loops"));
        Assert.Equal(WineHeapImage.BusyBlocks, blocks.Count(b => b.State == HeapBlockState.Busy));

        // A free-list link jumps back to an earlier bucket head.
        image = new WineHeapImage(pointerSize);
        image.Ptr(image.FreeListHead(5) + 8, image.FreeListHead(2) + 8);
        (summary, _, _) = Walk(image.Context());
        Assert.Null(summary.FreeListLength);
        Assert.Contains(summary.Notes, n => n.Contains("free list loops"));

        // Two large blocks linked to each other, never back to the head.
        image = new WineHeapImage(pointerSize);
        ulong a = WineHeapImage.Heap + 0x8000, b = WineHeapImage.Heap + 0x9000;
        image.Ptr(WineHeapImage.Heap + image.Layout.LargeListOffset, a + image.Layout.LargeEntryOffset);
        image.Ptr(a + image.Layout.LargeEntryOffset, b + image.Layout.LargeEntryOffset);
        image.Ptr(b + image.Layout.LargeEntryOffset, a + image.Layout.LargeEntryOffset);
        (summary, _, notes) = Walk(image.Context());
        Assert.Contains(notes, n => n.Contains("large block list loops"));

        // The process heap ring points at a heap whose link points at itself.
        image = new WineHeapImage(pointerSize);
        ulong other = WineHeapImage.Heap + 0xa000;
        image.Ptr(WineHeapImage.Heap + image.Layout.EntryOffset, other + image.Layout.EntryOffset);
        image.Ptr(other + image.Layout.EntryOffset, other + image.Layout.EntryOffset);
        var walker = (ILinkedHeaps)new WineHeapWalkerFactory().TryOpen(image.Context(), WineHeapImage.Heap, [])!;
        var linkNotes = new List<string>();
        var linked = Bounded(() => walker.LinkedHeaps(linkNotes));
        Assert.Equal([WineHeapImage.Heap, other], linked);
    }

    [Theory]
    [MemberData(nameof(PointerSizes))]
    public void Missing_memory_is_reported_not_read_as_zeros(int pointerSize)
    {
        var image = new WineHeapImage(pointerSize);
        int keep = (int)(image.BusyBlock(6) - WineHeapImage.Heap) + 4; // block 6's header is cut in half
        var (_, blocks, notes) = Walk(image.Context(keep));
        Assert.Contains(notes, n => n.Contains($"block header at {image.BusyBlock(6):x} is not in the dump"));
        Assert.Equal(6, blocks.Count(b => b.State == HeapBlockState.Busy));

        // A heap whose header is missing entirely is not opened at all.
        Assert.Null(new WineHeapWalkerFactory().TryOpen(image.Context(16), WineHeapImage.Heap, []));
    }

    [Theory]
    [MemberData(nameof(PointerSizes))]
    public void Nt_signature_without_wines_magic_is_not_a_wine_heap(int pointerSize)
    {
        var image = new WineHeapImage(pointerSize);
        image.U32(WineHeapImage.Heap + image.Layout.MagicOffset, 0);
        Assert.Null(new WineHeapWalkerFactory().TryOpen(image.Context(), WineHeapImage.Heap, []));
    }

    private static (HeapSummary Summary, List<HeapBlock> Blocks, List<string> Notes) Walk(HeapReadContext context)
    {
        var walker = new WineHeapWalkerFactory().TryOpen(context, WineHeapImage.Heap, []);
        Assert.NotNull(walker);
        var notes = new List<string>();
        var blocks = Bounded(() => walker.Blocks(notes).ToList());
        return (Bounded(walker.Summarize), blocks, notes);
    }

    /// <summary>Runs a walk with a deadline: a hostile heap must not hang it.</summary>
    private static T Bounded<T>(Func<T> walk)
    {
        var task = Task.Run(walk);
        Assert.True(task.Wait(TimeSpan.FromSeconds(20)), "the walk did not end");
        return task.Result;
    }
}
