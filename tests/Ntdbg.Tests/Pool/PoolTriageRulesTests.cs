using Ntdbg.Commands.Commands.Pool;
using Ntdbg.Commands.Commands.Pool.Triage;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Tests.Support;
using Xunit;

namespace Ntdbg.Tests.Pool;

/// <summary>
/// The triage rules on the synthetic scenarios' own figures: which pool is the problem and which
/// tags are suspects follow from the counters and tags the scenarios write (the seed's machine,
/// an ordinary machine with a paged or a big-pool leaker, a machine without counters).
/// </summary>
public sealed class PoolTriageRulesTests
{
    private static List<PoolTagUsage> Usage(IEnumerable<SyntheticPoolTag> tags) =>
        [.. tags.Select(t => new PoolTagUsage(t.Tag,
            new PoolTagCounters(t.NonPagedAllocs, t.NonPagedFrees, (long)t.NonPagedAllocs - (long)t.NonPagedFrees, t.NonPagedBytes),
            new PoolTagCounters(t.PagedAllocs, t.PagedFrees, (long)t.PagedAllocs - (long)t.PagedFrees, t.PagedBytes), null))];

    private static PoolMachineFigures Figures(SyntheticMemoryCounters c, IEnumerable<SyntheticPoolTag> tags) =>
        new(c.PhysicalPages, c.NonPagedPoolPages, c.NonPagedPoolMaximumPages, c.PagedPools.Aggregate(0UL, (a, p) => a + p), c.PagedPoolMaximumPages, Usage(tags));

    [Fact]
    public void TheSeedMachineHasAnExcessiveNonPagedPoolAndLeakIsTheOnlySuspect()
    {
        var c = SyntheticMemoryCounters.Seed;
        var tags = PoolLeakScenarios.SeedTopTags.Concat(PoolLeakScenarios.SeedOtherTags).ToList();
        var a = PoolTriageRules.Assess(Figures(c, tags), 5);

        // The seed's !vm: 155371 of 191078 pages is past four fifths of the maximum, and more than a quarter of 403854 pages of RAM.
        Assert.True(c.NonPagedPoolPages * 5 > c.NonPagedPoolMaximumPages * 4 && c.NonPagedPoolPages * 4 > c.PhysicalPages);
        Assert.Equal(PoolKind.NonPaged, a.Verdict.Problem);
        Assert.True(a.NonPaged.Excessive);
        Assert.Equal(2, a.NonPaged.Reasons.Count);
        Assert.False(a.Paged.Excessive);
        Assert.Equal(c.NonPagedPoolPages * 4096, a.NonPaged.UsedBytes);
        Assert.Equal((double)c.NonPagedPoolPages / c.PhysicalPages, a.NonPaged.ShareOfRam!.Value, 6);

        var byBytes = tags.OrderByDescending(t => t.NonPagedBytes).ToList();
        var suspect = Assert.Single(a.Suspects);
        Assert.Equal(byBytes[0].Tag, suspect.Tag);
        Assert.Equal(byBytes[0].NonPagedBytes, suspect.Bytes);
        // Every other tag holds less than a tenth of the pool, so none joins the suspect.
        ulong total = tags.Aggregate(0UL, (s, t) => s + t.NonPagedBytes);
        Assert.All(byBytes.Skip(1), t => Assert.True(t.NonPagedBytes * 10 < total));
        Assert.True(PoolTriageRules.ExcessiveForRam(suspect));
        Assert.Equal(byBytes.Take(5).Select(t => t.Tag), a.TopNonPaged.Select(r => r.Tag));
        Assert.Equal(tags.OrderByDescending(t => t.PagedBytes).Take(5).Select(t => t.Tag), a.TopPaged.Select(r => r.Tag));
    }

    [SharedDataFact]
    public void AnOrdinaryMachineWithAPagedLeakerExaminesThePagedPool()
    {
        var c = SyntheticMemoryCounters.Ordinary;
        var tags = PoolLeakScenarios.PagedPoolLeak(Layout.Isf(), 19041).PoolTags;
        var a = PoolTriageRules.Assess(Figures(c, tags), 5);
        Assert.Null(a.Verdict.Problem);
        Assert.Equal(PoolKind.Paged, a.Verdict.Examined);
        Assert.Equal(tags.MaxBy(t => t.PagedBytes)!.Tag, a.Suspects[0].Tag);
        Assert.Contains("neither pool looks excessive", a.Verdict.Summary);
    }

    [SharedDataFact]
    public void APagedPoolHoldingMoreThanAQuarterOfRamIsTheProblem()
    {
        var ordinary = SyntheticMemoryCounters.Ordinary;
        var c = ordinary with { PagedPools = [ordinary.PhysicalPages / 3] };
        var tags = PoolLeakScenarios.PagedPoolLeak(Layout.Isf(), 19041).PoolTags;
        var a = PoolTriageRules.Assess(Figures(c, tags), 5);
        Assert.Equal(PoolKind.Paged, a.Verdict.Problem);
        Assert.Contains("of the machine's", Assert.Single(a.Paged.Reasons));
    }

    [SharedDataFact]
    public void WithoutCountersTheTagTableSumIsThePoolsUsage()
    {
        var tags = PoolLeakScenarios.BigPoolLeak(Layout.Isf(), 19041).PoolTags;
        var a = PoolTriageRules.Assess(new PoolMachineFigures(null, null, null, null, null, Usage(tags)), 3);
        Assert.Equal(tags.Aggregate(0UL, (s, t) => s + t.NonPagedBytes), a.NonPaged.UsedBytes);
        Assert.Equal("sum of the pool tag table", a.NonPaged.UsedSource);
        Assert.Null(a.NonPaged.ShareOfRam);
        Assert.Null(a.Verdict.Problem);
        Assert.Equal(tags.MaxBy(t => t.NonPagedBytes)!.Tag, a.Suspects[0].Tag);
        Assert.Equal(3, a.TopNonPaged.Count);
    }

    [Fact]
    public void NoTagsNoSuspects()
    {
        var a = PoolTriageRules.Assess(Figures(SyntheticMemoryCounters.Seed, []), 5);
        Assert.Equal(PoolKind.NonPaged, a.Verdict.Problem);
        Assert.Empty(a.Suspects);
        Assert.Empty(a.TopNonPaged);
    }

    /// <summary>The leak scenarios are built on a layout (any build: their tag lists do not depend on it).</summary>
    private static class Layout
    {
        public static IsfLayout Isf() => IsfLayout.ForBuild(TestData.Shared("kernel/isf"), 19041);
    }
}
