using Ntdbg.Analyses.PoolMon;
using Ntdbg.Formats.PoolMon;
using Ntdbg.Synth.PoolMon;

namespace Ntdbg.Tests.PoolMon;

/// <summary>
/// Generated series with the truth beside them: the leaking tag ranks first with its rate and is the
/// only leak; with no leak, no tag is flagged; load-driven tags never are.
/// </summary>
public sealed class PoolMonTrendTests
{
    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 12));

    private static PoolMonTrendResult Trend(PoolMonSynthSeries synth, PoolMonTextStyle style, string folder, PoolMonSeriesOrder? order = null)
    {
        var paths = PoolMonTextWriter.WriteFiles(synth, folder, style);
        var files = paths.Select(p => new PoolMonFile(PoolMonParser.Load(p), File.GetLastWriteTimeUtc(p))).ToList();
        return PoolMonTrend.Analyze(PoolMonSeries.Build(files, order), new PoolMonTrendOptions(Top: 1000), new TrendsLeakTest(), null, null);
    }

    private static string TempFolder() => Directory.CreateTempSubdirectory("ntdbg-poolmon-").FullName;

    [Theory]
    [MemberData(nameof(Seeds))]
    public void LeakRanksFirstWithItsRate(int seed)
    {
        var rng = new Random(seed);
        var options = new PoolMonSynthOptions
        {
            Seed = seed,
            LeakTag = seed % 3 == 0 ? "Io" : "Leak",
            LeakType = seed % 2 == 0 ? "Nonp" : "Paged",
            LeakBytesPerHour = (1 + rng.Next(8)) * 1024 * 1024,
            LeakAllocSize = 64 << rng.Next(6),
            Noise = 0.01 + rng.NextDouble() * 0.04,
        };
        var synth = PoolMonSeriesGenerator.Generate(options);
        string folder = TempFolder();
        try
        {
            var result = Trend(synth, new PoolMonTextStyle { Timestamp = true, Screen = seed % 2 == 1 }, folder);
            Assert.Equal(PoolMonSeriesOrder.Timestamps, result.OrderedBy);
            Assert.Equal("hour", result.RateUnit);
            var top = result.Tags[0];
            Assert.Equal((synth.Truth.LeakTag, synth.Truth.LeakType, PoolLeakVerdict.Leak), (top.Tag, top.TypeText, top.Verdict));
            Assert.InRange(top.BytesPerUnit, synth.Truth.LeakBytesPerHour * 0.9, synth.Truth.LeakBytesPerHour * 1.1);
            Assert.InRange(top.DiffPerUnit, 0.9 * synth.Truth.LeakBytesPerHour / synth.Truth.LeakAllocSize, 1.1 * synth.Truth.LeakBytesPerHour / synth.Truth.LeakAllocSize);
            Assert.Single(result.Leaks);
            Assert.Contains(result.NextSteps, n => n.StartsWith($"ntdbg pool findtag {synth.Truth.LeakTag} --dir"));
            foreach (var (tag, type) in synth.Truth.LoadTags)
                Assert.NotEqual(PoolLeakVerdict.Leak, result.Tags.Single(t => t.Tag == tag && t.TypeText == type).Verdict);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void NoTagFlaggedWhenNoneLeaks(int seed)
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 100 + seed, LeakTag = null, LoadTags = 12, Noise = 0.05 });
        string folder = TempFolder();
        try
        {
            var result = Trend(synth, new PoolMonTextStyle { Timestamp = true }, folder);
            Assert.Empty(result.Leaks);
            Assert.Empty(result.NextSteps);
            Assert.Contains(result.Notes, n => n.Contains("no tag passes the leak test"));
            foreach (var (tag, type) in synth.Truth.LoadTags)
                Assert.NotEqual(PoolLeakVerdict.Leak, result.Tags.Single(t => t.Tag == tag && t.TypeText == type).Verdict);
        }
        finally { Directory.Delete(folder, true); }
    }

    /// <summary>Without timestamps: files by name (poolmonlog2 before poolmonlog10) and growth per snapshot; or by modification time and growth per hour.</summary>
    [Fact]
    public void WithoutTimestampsOrdersByNameOrModificationTime()
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 5, Snapshots = 14, IntervalHours = 2, LeakBytesPerHour = 1 << 20 });
        string folder = TempFolder();
        try
        {
            var byName = Trend(synth, new PoolMonTextStyle(), folder);
            Assert.Equal((PoolMonSeriesOrder.FileName, "snapshot"), (byName.OrderedBy, byName.RateUnit));
            Assert.Equal(Enumerable.Range(1, 14).Select(i => $"poolmonlog{i}.txt"), byName.Snapshots.Select(s => Path.GetFileName(s.Source)));
            Assert.Equal("Leak", byName.Tags[0].Tag);
            Assert.InRange(byName.Tags[0].BytesPerUnit, 0.9 * 2 * (1 << 20), 1.1 * 2 * (1 << 20));

            var byTime = Trend(synth, new PoolMonTextStyle(), folder, PoolMonSeriesOrder.ModificationTime);
            Assert.Equal("hour", byTime.RateUnit);
            Assert.InRange(byTime.Tags[0].BytesPerUnit, 0.9 * (1 << 20), 1.1 * (1 << 20));
        }
        finally { Directory.Delete(folder, true); }
    }

    /// <summary>A reboot between snapshots (Allocs fall for most tags): each boot is tested on its own, the leak found in both.</summary>
    [Fact]
    public void RestartSplitsTheSeries()
    {
        var before = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 8, Snapshots = 6 });
        var after = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 8, Snapshots = 16, Start = new DateTime(2026, 3, 3, 8, 0, 0, DateTimeKind.Utc) });
        // The same tags counted again from far lower totals: what a restart looks like.
        var rebooted = after.Snapshots.Select(s => s with { Rows = s.Rows.Select(r => r with { Allocs = r.Allocs / 1000 + r.Diff, Frees = r.Allocs / 1000 }).ToList() }).ToList();
        var text = string.Concat(before.Snapshots.Concat(rebooted).Select(s => PoolMonTextWriter.Write(s, new PoolMonTextStyle { Timestamp = true })));
        var series = PoolMonSeries.Build([new PoolMonFile(PoolMonParser.Parse(text, "reboot.txt"), null)]);
        var result = PoolMonTrend.Analyze(series, new PoolMonTrendOptions(), new TrendsLeakTest(), null, null);
        Assert.Equal([6], result.Resets);
        Assert.Equal("Leak", result.Tags[0].Tag);
        Assert.Equal(PoolLeakVerdict.Leak, result.Tags[0].Verdict);
        Assert.Equal(22, result.Tags[0].Points);
        Assert.Contains(result.Notes, n => n.Contains("each boot's snapshots are tested separately"));
    }
}
