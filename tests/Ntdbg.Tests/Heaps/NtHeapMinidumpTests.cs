using Ntdbg.Analyses.Heaps;
using Ntdbg.Analyses.Heaps.Nt;
using Ntdbg.Core.IO;
using Ntdbg.Symbols.Model;
using Ntdbg.Synth.Heaps;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// End to end: a synthetic NT heap in a user minidump whose PEB lists it; HeapFinder goes from the
/// thread's TEB to the PEB's ProcessHeaps, picks the NT heap walker by signature and reads the same
/// figures as the writer's truth through the dump reader.
/// </summary>
public sealed class NtHeapMinidumpTests
{
    [SharedDataTheory]
    [MemberData(nameof(SyntheticHeaps.Builds), MemberType = typeof(SyntheticHeaps))]
    public void HeapFinderFindsTheHeapThroughThePeb(int build)
    {
        var truth = new NtHeapWriter(SyntheticHeaps.Table(build).Layout, seed: 7).Write();
        byte[] dump = HeapMinidumpWriter.Write([truth.Address], [truth.Pages]);
        var target = UserDumpTarget.Open(MappedFile.FromBytes($"ntheap-{build}.dmp", dump));
        var types = SyntheticHeaps.Table(build).Types;
        var context = new HeapReadContext(target.Memory, 8, name => types.FindType(name) as UdtType);

        var list = HeapFinder.Find(context, target.Threads.Select(t => t.Teb));
        Assert.Equal(HeapMinidumpWriter.Peb, list.Peb);
        Assert.Equal(truth.Address, list.ProcessHeap);
        var heap = Assert.IsType<NtHeapWalker>(Assert.Single(list.Heaps));
        var s = heap.Summarize();
        Assert.Empty(s.Notes);
        Assert.Equal((truth.CommittedBytes, truth.ReservedBytes, truth.FreeBytes, truth.UncommittedRanges), (s.CommittedBytes, s.ReservedBytes, s.FreeBytes!.Value, s.UncommittedRanges!.Value));
        var notes = new List<string>();
        Assert.Equal(truth.Blocks.Select(SyntheticHeaps.ToModel), heap.Blocks(notes));
        Assert.Empty(notes);
    }
}
