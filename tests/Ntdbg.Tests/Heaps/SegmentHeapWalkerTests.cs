using Ntdbg.Analyses.Heaps;
using Ntdbg.Analyses.Heaps.Segment;
using Ntdbg.Synth.Heaps;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// The segment heap walker on segment heaps the synthesizer laid out from each build's `_SEGMENT_HEAP`
/// types: every page range and large allocation against the writer's truth, the summary figures, the
/// note on the keyed VS/LFH contents, and damage ending in notes. Builds whose kernel has no segment-heap
/// types (7601, 9600, 14393) must say so instead of guessing.
/// </summary>
public sealed class SegmentHeapWalkerTests
{
    private static (SyntheticHeap Truth, HeapReadContext Context)? Build(int build, Action<SyntheticHeap, SegmentHeapWriter>? damage = null)
    {
        var layout = SyntheticHeaps.Table(build).Layout;
        if (!layout.HasType("_SEGMENT_HEAP")) return null;
        var writer = new SegmentHeapWriter(layout);
        var truth = writer.Write();
        damage?.Invoke(truth, writer);
        return (truth, SyntheticHeaps.Context(build, truth.Pages));
    }

    private static IHeapWalker Open(HeapReadContext context, ulong address)
    {
        var notes = new List<string>();
        var walker = HeapWalkerFactories.All.Select(f => f.TryOpen(context, address, notes)).FirstOrDefault(w => w != null);
        Assert.True(walker is SegmentHeapWalker, string.Join("; ", notes));
        return walker!;
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void EveryRangeAndLargeAllocationIsListed(int build)
    {
        if (Build(build) is not var (truth, context))
        {
            var notes = new List<string>();
            Assert.Null(SegmentHeapLayout.Load(SyntheticHeaps.Context(build, new SparsePages()), notes));
            Assert.Contains("_SEGMENT_HEAP", Assert.Single(notes));
            return;
        }
        var walkNotes = new List<string>();
        var blocks = Open(context, truth.Address).Blocks(walkNotes).ToList();
        Assert.Equal(truth.Blocks.Select(SyntheticHeaps.ToModel), blocks);
        var ranges = SegmentHeapWriter.DefaultRanges.SelectMany(r => r).Where(r => r.Allocated).ToList();
        int vs = ranges.Count(r => r.Type == SegmentHeapWriter.RangeVs), lfh = ranges.Count(r => r.Type == SegmentHeapWriter.RangeLfh);
        Assert.Contains($"{vs} VS and {lfh} LFH subsegments are listed whole", Assert.Single(walkNotes));
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void SummaryFiguresEqualTheTruth(int build)
    {
        if (Build(build) is not var (truth, context)) return;
        var s = Open(context, truth.Address).Summarize();
        Assert.Equal(HeapKind.SegmentHeap, s.Kind);
        Assert.Equal(truth.ReservedBytes, s.ReservedBytes);
        Assert.Equal(truth.CommittedBytes, s.CommittedBytes);
        Assert.Equal(truth.VirtualBytes, s.VirtualBytes);
        Assert.Equal(truth.FreeBytes, s.FreeBytes);
        Assert.Equal(truth.FreeListLength, s.FreeListLength);
        Assert.Equal(truth.VirtualBlocks, s.VirtualBlocks);
        Assert.Null(s.UncommittedRanges);
        Assert.Contains("RtlpHpHeapGlobals", Assert.Single(s.Notes));
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void ADamagedDescriptorEndsThatSegmentWithANote(int build)
    {
        var layout = SyntheticHeaps.Table(build).Layout;
        if (Build(build, (t, w) =>
            {
                // Segment 2's second range (unit 22): UnitSize 0.
                ulong d = SegmentHeapWriter.SegmentAddresses[1] + layout.OffsetOf("_HEAP_PAGE_SEGMENT", "DescArray") + 22 * layout.SizeOf("_HEAP_PAGE_RANGE_DESCRIPTOR");
                t.Pages.WriteByte(d + layout.OffsetOf("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitSize"), 0);
            }) is not var (truth, context)) return;
        var notes = new List<string>();
        var blocks = Open(context, truth.Address).Blocks(notes).ToList();
        Assert.Contains(notes, n => n.Contains("unit 22") && n.Contains("does not start a range"));
        ulong cut = SegmentHeapWriter.SegmentAddresses[1] + 22 * SegmentHeapWriter.Page;
        Assert.Equal(truth.Blocks.Where(b => b.EntryAddress < cut || b.Origin == SyntheticBlockOrigin.LargeVirtual).Select(SyntheticHeaps.ToModel), blocks);
    }

    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void LoopsInTheSegmentListAndTheLargeTreeEndInNotes(int build)
    {
        var layout = SyntheticHeaps.Table(build).Layout;
        if (Build(build, (t, w) =>
            {
                ulong link = layout.OffsetOf("_HEAP_PAGE_SEGMENT", "ListEntry");
                t.Pages.WriteUInt64(SegmentHeapWriter.SegmentAddresses[1] + link, SegmentHeapWriter.SegmentAddresses[0] + link);
                t.Pages.WriteUInt64(w.LargeNode(2) + layout.OffsetOf("_RTL_BALANCED_NODE", "Right"), w.LargeNode(1));
            }) is not var (truth, context)) return;
        var walk = Task.Run(() =>
        {
            var notes = new List<string>();
            var blocks = Open(context, truth.Address).Blocks(notes).ToList();
            return (blocks, notes);
        });
        Assert.True(walk.Wait(TimeSpan.FromSeconds(30)), "the walk did not finish");
        Assert.Contains(walk.Result.notes, n => n.Contains("segment list") && n.Contains("loops"));
        Assert.Contains(walk.Result.notes, n => n.Contains("large-allocation tree revisits"));
    }
}
