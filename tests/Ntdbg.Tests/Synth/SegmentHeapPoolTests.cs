using Ntdbg.Commands.Commands.Pool;
using Ntdbg.Commands.Commands.Pool.SegmentHeap;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The 19H1+ segment-heap pool walker on the synthetic dumps of every build, full and bitmap: the
/// scenario writes nt!ExPoolState's heaps, segments, VS and LFH subsegments encoded with random
/// keys (SegmentHeapPoolWriter, an encoder written apart from the walker), and the walker must give
/// back exactly the chunks written; damaged keys, headers and pages must give notes, not crashes.
/// Builds whose kernel keeps the classic pool (7601 to 17763) get no segment-heap pool and must
/// keep the classic walker.
/// </summary>
public sealed partial class SegmentHeapPoolTests
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^([ *])([0-9a-f]{16}) size: +([0-9a-f]+) previous size: +([0-9a-f]+)  \((Allocated|Free)\) +[ *](.{4})$")]
    private static partial System.Text.RegularExpressions.Regex BlockLine();

    private sealed record Seen(ulong Address, ulong Size, string Tag, bool Allocated, bool Paged, PoolChunkSource Source);

    private static Seen Of(PoolChunk c) => new(c.Address, c.Size, c.Allocated || c.Source == PoolChunkSource.SegmentHeapLfh ? c.TagText : "", c.Allocated, c.Paged, c.Source);

    private static Seen Of(SyntheticPoolChunk c) =>
        new(c.Address, c.Size, c.Tag, c.Allocated, c.Paged, c.Lfh ? PoolChunkSource.SegmentHeapLfh : PoolChunkSource.SegmentHeapVs);

    private static (KernelScenario Scenario, DebugSession Session) Open(int build, KernelDumpBuilder.Layout format, SegmentHeapDamage damage = SegmentHeapDamage.None)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.SegmentHeapPool.Damage = damage;
        byte[] bytes = scenario.Write(format);
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"segheap-{build}.dmp", bytes));
        return (scenario, new DebugSession(target, isf));
    }

    private static List<Seen> OnPage(KernelScenario s, ulong page) =>
        [.. s.SegmentHeapPool.Chunks.Where(c => c.Address < page + 0x1000 && c.Address + c.Size > page).Select(Of)];

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ListingAPageGivesExactlyTheChunksWrittenThere(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, session) = Open(build, format);
        var notes = new List<string>();
        var walker = PoolPageWalkers.For(session, notes);
        if (!SegmentHeapPoolWriter.Applies(scenario.Layout))
        {
            Assert.Empty(scenario.SegmentHeapPool.Chunks);
            Assert.IsType<ClassicPoolPageWalker>(walker);
            return;
        }
        Assert.IsType<SegmentHeapPoolWalker>(walker);
        var pool = scenario.SegmentHeapPool;
        foreach (var (page, paged) in new[] { (pool.VsPage - 0x1000, false), (pool.VsPage, false), (pool.LfhPage, false), (pool.PagedVsPage, true) })
        {
            var listing = walker!.ListPage(page + 0x2a8, notes);
            Assert.NotNull(listing);
            Assert.Equal(page, listing.PageAddress);
            Assert.Equal(paged ? "Paged pool" : "Nonpaged pool", listing.Region);
            var expected = OnPage(scenario, page);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, listing.Chunks.Select(Of));
        }
        Assert.Empty(notes);
        // The first VS page holds allocated and free chunks, and a chunk that runs on into the next page shows on both.
        var first = OnPage(scenario, pool.VsPage - 0x1000);
        Assert.Contains(first, c => !c.Allocated);
        Assert.Contains(OnPage(scenario, pool.VsPage), c => first.Contains(c));
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void EnumerationFindsEveryChunkAndEveryChunkOfATag(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, session) = Open(build, format);
        if (!SegmentHeapPoolWriter.Applies(scenario.Layout)) return; // the classic builds: covered by the walker choice above
        var notes = new List<string>();
        var all = new SegmentHeapPoolWalker(session).Chunks(notes).ToList();
        Assert.Empty(notes);
        Assert.Equal(scenario.SegmentHeapPool.Chunks.Select(Of), all.Select(Of));
        var leaks = all.Where(c => c.TagText == "Leak").Select(Of).ToList();
        Assert.Equal(scenario.SegmentHeapPool.Chunks.Where(c => c.Tag == "Leak").Select(Of), leaks);
        Assert.Contains(leaks, c => c.Source == PoolChunkSource.SegmentHeapVs && c.Paged);
        Assert.Contains(leaks, c => c.Source == PoolChunkSource.SegmentHeapLfh && !c.Paged);
        // PageAlignLargeAllocs: the allocation on a page boundary has its POOL_HEADER there, 32 bytes after its VS header.
        Assert.Contains(all, c => c.TagText == "Algn" && c.Address % 0x1000 == 0 && c.Source == PoolChunkSource.SegmentHeapVs);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PoolCommandListsTheSegmentHeapPageStarringTheChunk(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, session) = Open(build, format);
        if (!SegmentHeapPoolWriter.Applies(scenario.Layout)) return; // classic builds: PoolCommandTests
        foreach (var chunk in scenario.SegmentHeapPool.Chunks.Where(c => c.Allocated && (c.Lfh ? c.Address >> 12 == scenario.SegmentHeapPool.LfhPage >> 12 && c.Address % 0x180 == 0x40 : true)))
        {
            ulong inside = chunk.Address + chunk.Size / 2;
            string output = Ntdbg.Tests.Commands.Run.Text(session.Target, $"!pool {inside:x}", session);
            Assert.Contains($"Pool page {inside:x16} region is {(chunk.Paged ? "Paged" : "Nonpaged")} pool", output);
            var lines = output.Split('\n').Select(l => BlockLine().Match(l.TrimEnd('\r'))).Where(m => m.Success).ToList();
            var expected = OnPage(scenario, inside & ~0xfffUL);
            Assert.Equal(expected.Select(c => (c.Address, c.Size, c.Allocated)),
                lines.Select(m => (Convert.ToUInt64(m.Groups[2].Value, 16), Convert.ToUInt64(m.Groups[3].Value, 16), m.Groups[5].Value == "Allocated")));
            Assert.All(lines, m => Assert.Equal("0", m.Groups[4].Value));
            var starred = Assert.Single(lines, m => m.Groups[1].Value == "*");
            Assert.Equal(chunk.Address, Convert.ToUInt64(starred.Groups[2].Value, 16));
            Assert.Equal(chunk.Tag, starred.Groups[6].Value);
        }
    }

    public static TheoryData<int> SegmentHeapBuilds() => [19041, 20348, 22000];

    [SharedDataTheory]
    [MemberData(nameof(SegmentHeapBuilds))]
    public void AWrongHeapKeyFindsNoSegmentAndSaysSo(int build)
    {
        var (scenario, session) = Open(build, KernelDumpBuilder.Layout.Bitmap, SegmentHeapDamage.WrongHeapKey);
        var walker = new SegmentHeapPoolWalker(session);
        var notes = new List<string>();
        Assert.Null(walker.ListPage(scenario.SegmentHeapPool.VsPage, notes));
        Assert.Contains(notes, n => n.Contains("in no segment of the 3 pool heaps", StringComparison.Ordinal));
        var chunkNotes = new List<string>();
        Assert.Empty(walker.Chunks(chunkNotes));
        Assert.Contains(chunkNotes, n => n.Contains("wrong signature", StringComparison.Ordinal));
    }

    [SharedDataTheory]
    [MemberData(nameof(SegmentHeapBuilds))]
    public void AWrongLfhKeyLosesTheLfhBlocksOnlyWithANote(int build)
    {
        var (scenario, session) = Open(build, KernelDumpBuilder.Layout.Full, SegmentHeapDamage.WrongLfhKey);
        var walker = new SegmentHeapPoolWalker(session);
        var notes = new List<string>();
        var listing = walker.ListPage(scenario.SegmentHeapPool.LfhPage, notes);
        Assert.NotNull(listing);
        Assert.Empty(listing.Chunks);
        Assert.Contains(listing.Notes, n => n.Contains("LfhKey", StringComparison.Ordinal));
        Assert.Equal(OnPage(scenario, scenario.SegmentHeapPool.VsPage), walker.ListPage(scenario.SegmentHeapPool.VsPage, [])!.Chunks.Select(Of));
    }

    [SharedDataTheory]
    [MemberData(nameof(SegmentHeapBuilds))]
    public void ACorruptVsHeaderEndsTheWalkThereWithANote(int build)
    {
        var (scenario, session) = Open(build, KernelDumpBuilder.Layout.Full, SegmentHeapDamage.CorruptVsChunk);
        var pool = scenario.SegmentHeapPool;
        var notes = new List<string>();
        var listing = new SegmentHeapPoolWalker(session).ListPage(pool.VsPage - 0x1000, notes);
        Assert.NotNull(listing);
        var before = OnPage(scenario, pool.VsPage - 0x1000).Where(c => c.Address < pool.CorruptedChunkHeader).ToList();
        Assert.Equal(3, before.Count);
        Assert.Equal(before, listing.Chunks.Select(Of));
        Assert.Contains(listing.Notes, n => n.Contains($"{pool.CorruptedChunkHeader >> 32:x8}`{pool.CorruptedChunkHeader & 0xffffffff:x8}", StringComparison.Ordinal) && n.Contains("damaged", StringComparison.Ordinal));
    }

    [SharedDataTheory]
    [MemberData(nameof(SegmentHeapBuilds))]
    public void AMissingPageIsReportedAsMissing(int build)
    {
        var (scenario, session) = Open(build, KernelDumpBuilder.Layout.Bitmap, SegmentHeapDamage.MissingVsPage);
        var pool = scenario.SegmentHeapPool;
        var notes = new List<string>();
        var listing = new SegmentHeapPoolWalker(session).ListPage(pool.VsPage - 0x1000, notes);
        Assert.NotNull(listing);
        // The chunks whose headers are on the first page are there; the walk stops at the first header on the missing page.
        var expected = OnPage(scenario, pool.VsPage - 0x1000).Where(c => c.Address - 0x10 < pool.VsPage).ToList();
        Assert.Equal(expected, listing.Chunks.Select(Of));
        Assert.Contains(listing.Notes, n => n.Contains("VS chunk header", StringComparison.Ordinal) && n.Contains("is not in the dump", StringComparison.Ordinal));
    }

    [SharedDataTheory]
    [MemberData(nameof(SegmentHeapBuilds))]
    public void ABigPageRangeIsLeftToTheBigPoolTableWithANote(int build)
    {
        var (scenario, session) = Open(build, KernelDumpBuilder.Layout.Full);
        var notes = new List<string>();
        Assert.Null(new SegmentHeapPoolWalker(session).ListPage(scenario.SegmentHeapPool.LargeRangePage + 0x800, notes));
        Assert.Contains(notes, n => n.Contains("PoolBigPageTable", StringComparison.Ordinal));
        notes.Clear();
        Assert.Null(new SegmentHeapPoolWalker(session).ListPage(0xffffc08e20000000 + 0x90000, notes)); // a free range of the same segment
        Assert.Contains(notes, n => n.Contains("free page range", StringComparison.Ordinal));
    }

    [SharedDataFact("kernel/triage_x64_19041.dmp")]
    public void ARealTriageDumpWithoutPoolMemorySaysWhatIsMissing()
    {
        // The real Windows 10 19041 triage dump saved no pool and not nt!RtlpHpHeapGlobals: the walker is chosen, and says so.
        using var target = KernelDumpTarget.Open(TestData.Shared("kernel/triage_x64_19041.dmp"));
        var session = new DebugSession(target, TestData.Shared("kernel/isf"));
        var notes = new List<string>();
        var walker = Assert.IsType<SegmentHeapPoolWalker>(PoolPageWalkers.For(session, notes));
        Assert.Null(walker.ListPage(0xffffc08e20003000, notes));
        Assert.Empty(walker.Chunks(notes));
        Assert.Contains(notes, n => n.StartsWith("nt!RtlpHpHeapGlobals.HeapKey at ", StringComparison.Ordinal) && n.Contains("is not in the dump", StringComparison.Ordinal));
    }
}
