using System.Text.RegularExpressions;
using Ntdbg.Analyses.PoolMon;
using Ntdbg.Formats.PoolMon;
using Ntdbg.Synth.PoolMon;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PoolMon;

/// <summary>
/// The real poolmon excerpt (shared/testdata/pool/poolmon_excerpt.txt, one snapshot of 13 rows whose
/// leading blanks were lost) and the test file it came from, which holds the same block indented.
/// Rows are checked against a regular expression over the raw lines, not the parser's own split.
/// </summary>
public sealed partial class PoolMonExcerptTests
{
    public const string Excerpt = "pool/poolmon_excerpt.txt";
    public const string Source = "pool/poolmon_excerpt_source.py.txt";

    [GeneratedRegex(@"^\s*(\S{1,4})\s+(Nonp|Paged)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")]
    private static partial Regex RawRow();

    private static List<string[]> RawRows(IEnumerable<string> lines) =>
        lines.Select(l => RawRow().Match(l)).Where(m => m.Success).Select(m => m.Groups.Values.Skip(1).Select(g => g.Value).ToArray()).ToList();

    [SharedDataFact(Excerpt)]
    public void EveryRowAndFieldMatchesTheRawLines()
    {
        string path = TestData.Shared(Excerpt);
        var log = PoolMonParser.Load(path);
        var snapshot = Assert.Single(log.Snapshots);
        var raw = RawRows(File.ReadAllLines(path));
        Assert.Equal(13, raw.Count);
        Assert.Equal(raw.Count, snapshot.Rows.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            var r = snapshot.Rows[i];
            Assert.Equal(raw[i], new[] { r.Tag, r.TypeText, r.Allocs.ToString(), r.Frees.ToString(), r.Diff.ToString(), r.Bytes.ToString(), r.PerAlloc.ToString() });
            Assert.Equal(r.Allocs - r.Frees, r.Diff); // poolmon's own arithmetic holds on real data
            Assert.Null(r.AllocsDelta);
            Assert.Null(r.MappedDriver);
        }
        var etwb = snapshot.Rows[0];
        Assert.Equal(("EtwB", PoolMonPoolType.NonPaged, 6394L, 4056L, 2338L, 163418368L, 69896L), (etwb.Tag, etwb.Type, etwb.Allocs, etwb.Frees, etwb.Diff, etwb.Bytes, etwb.PerAlloc));
        Assert.Equal(PoolMonPoolType.Paged, snapshot.Rows.Single(r => r.Tag == "CM25").Type);
        Assert.False(snapshot.HasDeltaColumns);
    }

    [SharedDataFact(Excerpt)]
    public void HeaderValuesMatchTheRawLines()
    {
        string path = TestData.Shared(Excerpt);
        var h = PoolMonParser.Load(path).Snapshots[0].Header!;
        var text = File.ReadAllText(path);
        long Kb(string label, int nth = 0) => long.Parse(Regex.Matches(text, Regex.Escape(label) + @":\s*(\d+)")[nth].Groups[1].Value);
        Assert.Equal(Kb("Memory"), h.MemoryKb);
        Assert.Equal(Kb("Avail"), h.AvailableKb);
        Assert.Equal(Kb("PageFlts"), h.PageFaults);
        Assert.Equal(Kb("InRam Krnl"), h.InRamKernelKb);
        Assert.Equal(Kb(" P", 0), h.InRamPagedKb);
        Assert.Equal(Kb("Commit"), h.CommitKb);
        Assert.Equal(Kb("Limit"), h.CommitLimitKb);
        Assert.Equal(Kb("Peak"), h.CommitPeakKb);
        Assert.Equal(Kb("Pool N"), h.PoolNonPagedKb);
        Assert.Equal(Kb(" P", 1), h.PoolPagedKb);
        Assert.Equal(16468560, h.MemoryKb);
        Assert.Equal(710920, h.PoolNonPagedKb);
        Assert.Equal(983564, h.PoolPagedKb);
    }

    /// <summary>The source file holds the block indented by nine blanks inside dedent(): the parser reads both forms alike.</summary>
    [SharedDataFact(Source)]
    public void IndentedBlockInTheSourceReadsLikeTheExcerpt()
    {
        var lines = File.ReadAllLines(TestData.Shared(Source));
        int open = Array.FindIndex(lines, l => l.Contains("Memory:16468560K"));
        Assert.True(open > 0, "the source file no longer holds the excerpt");
        var block = lines.Skip(open).TakeWhile(l => !l.TrimEnd().EndsWith(')')).Select(l => l.Replace("\"\"\"", "")).ToList();
        var fromSource = PoolMonParser.Parse(string.Join("\n", block), "source.py").Snapshots.Single();
        var fromExcerpt = PoolMonParser.Load(TestData.Shared(Excerpt)).Snapshots.Single();
        Assert.Equal(fromExcerpt.Header, fromSource.Header);
        Assert.Equal(fromExcerpt.Rows.Select(r => r with { Line = 0 }), fromSource.Rows.Select(r => r with { Line = 0 }));
    }

    /// <summary>
    /// One snapshot cannot show growth: the honest answer ranks by Bytes (poolmon -b's order, the
    /// seed's "the largest usage is typically the cause") and says that no leak test was possible.
    /// </summary>
    [SharedDataFact(Excerpt)]
    public void OneSnapshotRanksByBytesAndSaysGrowthIsUnknown()
    {
        string path = TestData.Shared(Excerpt);
        var raw = RawRows(File.ReadAllLines(path));
        var series = PoolMonSeries.Build([new PoolMonFile(PoolMonParser.Load(path), null)]);
        var result = PoolMonTrend.Analyze(series, new PoolMonTrendOptions(Top: 50), new TrendsLeakTest(), null, null);
        Assert.False(result.CanShowGrowth);
        Assert.Equal(raw.OrderByDescending(r => long.Parse(r[5])).Select(r => r[0]), result.Tags.Select(t => t.Tag));
        Assert.All(result.Tags, t => Assert.Equal(PoolLeakVerdict.NotApplicable, t.Verdict));
        Assert.Empty(result.Leaks);
        Assert.Contains(result.Notes, n => n.Contains("one snapshot cannot show growth"));
        Assert.Contains(result.NextSteps, n => n.StartsWith("ntdbg pool findtag EtwB --dir"));
    }

    /// <summary>
    /// The excerpt as the last snapshot of a series whose earlier snapshots are generated, with a leak
    /// planted in CM25, the smallest of the 13 by bytes: the trend ranks CM25 first with the planted
    /// rate, where ranking by bytes alone would name EtwB. The growth is the generator's, not the
    /// excerpt's: one real snapshot holds no growth of its own.
    /// </summary>
    [SharedDataFact(Excerpt)]
    public void AsLastSnapshotOfASeriesThePlantedLeakRanksFirst()
    {
        var real = PoolMonParser.Load(TestData.Shared(Excerpt)).Snapshots.Single();
        var last = real.Rows.Select(r => new PoolMonSynthRow(r.Tag, r.TypeText, r.Allocs, r.Frees, r.Bytes)).ToList();
        // 1 MB/h over 11 h is ~2600 of CM25's 4849 outstanding allocations of 4476 bytes: the earliest snapshot still holds some.
        const double rate = 1024 * 1024;
        var synth = PoolMonSeriesGenerator.EndingWith(last, "CM25", "Paged", rate, snapshots: 12, intervalHours: 1, noise: 0.002, seed: 7);
        Assert.Equal(last, synth.Snapshots[^1].Rows.OrderBy(r => last.IndexOf(r)).ToList());
        var text = string.Concat(synth.Snapshots.Select(s => PoolMonTextWriter.Write(s, new PoolMonTextStyle { Timestamp = true, LoseLeadingBlanks = true })));
        var series = PoolMonSeries.Build([new PoolMonFile(PoolMonParser.Parse(text, "series.txt"), null)]);
        Assert.Equal(PoolMonSeriesOrder.Timestamps, series.OrderedBy);
        var result = PoolMonTrend.Analyze(series, new PoolMonTrendOptions(), new TrendsLeakTest(), null, null);
        var top = result.Tags[0];
        Assert.Equal(("CM25", PoolLeakVerdict.Leak), (top.Tag, top.Verdict));
        Assert.InRange(top.BytesPerUnit, rate * 0.95, rate * 1.05);
        Assert.Equal(real.Rows.Single(r => r.Tag == "CM25").Bytes, top.LastBytes);
        Assert.Single(result.Leaks);
    }
}
