using Ntdbg.Analyses.Heaps;
using Ntdbg.Analyses.Heaps.Nt;
using Ntdbg.Synth.Heaps;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// The NT heap walker on heaps the synthesizer laid out from each build's `_HEAP` types with entry
/// encoding on (three segments with uncommitted ranges, free blocks on FreeLists, three large blocks):
/// every block and every `!heap -s` figure against the writer's truth, and damage (a bad checksum, a
/// looping list, a missing page) ending in a note instead of a wrong answer or a hang.
/// </summary>
public sealed class NtHeapWalkerTests
{
    private static (SyntheticHeap Truth, HeapReadContext Context) Build(int build, Action<SyntheticHeap>? damage = null, bool lfh = false)
    {
        var truth = new NtHeapWriter(SyntheticHeaps.Table(build).Layout, seed: build) { Lfh = lfh }.Write();
        damage?.Invoke(truth);
        return (truth, SyntheticHeaps.Context(build, truth.Pages));
    }

    private static IHeapWalker Open(HeapReadContext context, ulong address)
    {
        var notes = new List<string>();
        var walker = new NtHeapWalkerFactory().TryOpen(context, address, notes);
        Assert.True(walker != null, string.Join("; ", notes));
        return walker;
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void EveryBlockIsListedWithItsAddressSizeAndState(int build)
    {
        var (truth, context) = Build(build);
        var notes = new List<string>();
        var blocks = Open(context, truth.Address).Blocks(notes).ToList();
        Assert.Empty(notes);
        Assert.True(truth.Blocks.Count > 300, $"the scenario should hold hundreds of blocks, has {truth.Blocks.Count}");
        Assert.Equal(truth.Blocks.Select(SyntheticHeaps.ToModel), blocks);
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void SummaryFiguresEqualTheTruth(int build)
    {
        var (truth, context) = Build(build);
        var s = Open(context, truth.Address).Summarize();
        Assert.Empty(s.Notes);
        Assert.Equal(HeapKind.NtHeap, s.Kind);
        Assert.Equal(truth.Flags, s.Flags);
        Assert.Equal(truth.ReservedBytes, s.ReservedBytes);
        Assert.Equal(truth.CommittedBytes, s.CommittedBytes);
        Assert.Equal(truth.VirtualBytes, s.VirtualBytes);
        Assert.Equal(truth.FreeBytes, s.FreeBytes);
        Assert.Equal(truth.FreeListLength, s.FreeListLength);
        Assert.Equal(truth.UncommittedRanges, s.UncommittedRanges);
        Assert.Equal(truth.VirtualBlocks, s.VirtualBlocks);
        Assert.Equal(truth.LockCollisions, s.LockContention);
        Assert.False(s.FastHeap);
        Assert.Equal(truth.SegmentAddresses.Count + truth.VirtualBlocks, s.Ranges.Count);
        // The free figure is the free blocks the walk finds too.
        Assert.Equal(truth.Blocks.Where(b => b.State == SyntheticBlockState.Free).Aggregate(0UL, (a, b) => a + b.BlockSize), s.FreeBytes);
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void ABadChecksumEndsThatSegmentsWalkWithANote(int build)
    {
        var table = SyntheticHeaps.Table(build).Layout;
        ulong header = table.OffsetOf("_HEAP_ENTRY", "Size");
        SyntheticHeapBlock? victim = null;
        var (truth, context) = Build(build, t =>
        {
            victim = t.Blocks.Where(b => b.State == SyntheticBlockState.Busy && b.EntryAddress >= t.SegmentAddresses[1] && b.EntryAddress < t.SegmentAddresses[2]).ElementAt(10);
            // One flipped bit of the encoded Flags byte: the decoded checksum no longer matches.
            ulong at = victim.EntryAddress + header;
            t.Pages.WriteUInt64(at, t.Pages.ReadUInt64(at) ^ 0x0000_0000_0004_0000);
        });
        var notes = new List<string>();
        var blocks = Open(context, truth.Address).Blocks(notes).ToList();
        Assert.Contains(notes, n => n.Contains($"{victim!.EntryAddress:x}") && n.Contains("checksum"));
        ulong bad = victim!.EntryAddress;
        Assert.DoesNotContain(blocks, b => b.EntryAddress == bad);
        // The segments before and after are still walked in full.
        Assert.Equal(truth.Blocks.Where(b => b.EntryAddress < bad).Select(SyntheticHeaps.ToModel), blocks.Where(b => b.EntryAddress < bad));
        Assert.Contains(blocks, b => b.EntryAddress > truth.SegmentAddresses[2]);
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void ALoopInTheFreeListEndsInANote(int build)
    {
        var (truth, context) = Build(build, t => t.Pages.WriteUInt64(t.FreeListLinks[^1], t.FreeListLinks[1]));
        var walk = Task.Run(() => Open(context, truth.Address).Summarize());
        Assert.True(walk.Wait(TimeSpan.FromSeconds(30)), "the summary did not finish");
        Assert.Contains(walk.Result.Notes, n => n.Contains("FreeLists") && n.Contains("loops"));
        Assert.Equal(truth.FreeListLength, walk.Result.FreeListLength);
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void ALoopInTheSegmentListEndsInANote(int build)
    {
        var table = SyntheticHeaps.Table(build).Layout;
        ulong link = table.OffsetOf("_HEAP_SEGMENT", "SegmentListEntry");
        // The last segment's Flink points back at the second segment instead of the heap's list head.
        var (truth, context) = Build(build, t => t.Pages.WriteUInt64(t.SegmentAddresses[2] + link, t.SegmentAddresses[1] + link));
        var walk = Task.Run(() => Open(context, truth.Address).Blocks([]).Count());
        Assert.True(walk.Wait(TimeSpan.FromSeconds(30)), "the walk did not finish");
        var notes = new List<string>();
        Open(context, truth.Address).Blocks(notes).ToList();
        Assert.Contains(notes, n => n.Contains("SegmentList") && n.Contains("loops"));
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void AMissingPageEndsThatSegmentsWalkWithANoteNamingTheEntry(int build)
    {
        ulong page = 0;
        SyntheticHeapBlock? first = null;
        var (truth, context) = Build(build, t =>
        {
            page = t.SegmentAddresses[1] + 3 * NtHeapWriter.Page;
            first = t.Blocks.First(b => b.EntryAddress >= page);
            t.Pages.Remove(page);
        });
        var notes = new List<string>();
        var blocks = Open(context, truth.Address).Blocks(notes).ToList();
        Assert.Contains(notes, n => n.Contains($"{first!.EntryAddress:x}") && n.Contains("not in the dump"));
        Assert.DoesNotContain(blocks, b => b.EntryAddress >= page && b.EntryAddress < truth.SegmentAddresses[2]);
        Assert.Contains(blocks, b => b.EntryAddress > truth.SegmentAddresses[2]);
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void TheLfhFrontEndIsReportedWithWhatCannotBeDecoded(int build)
    {
        var (truth, context) = Build(build, lfh: true);
        var s = Open(context, truth.Address).Summarize();
        Assert.True(s.FastHeap);
        Assert.Contains(s.Notes, n => n.Contains("LFH") && n.Contains("RtlpLFHKey"));
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void OnlyAHeapSignatureOpensTheWalker(int build)
    {
        var (truth, context) = Build(build);
        var notes = new List<string>();
        Assert.Null(new NtHeapWalkerFactory().TryOpen(context, truth.SegmentAddresses[1], notes));
        Assert.Null(new NtHeapWalkerFactory().TryOpen(context, 0x1234_0000, notes));
        Assert.IsType<NtHeapWalker>(HeapWalkerFactories.All.Select(f => f.TryOpen(context, truth.Address, notes)).First(w => w != null));
    }
}
