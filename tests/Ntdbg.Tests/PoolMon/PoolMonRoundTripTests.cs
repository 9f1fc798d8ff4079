using Ntdbg.Formats.PoolMon;
using Ntdbg.Synth.PoolMon;

namespace Ntdbg.Tests.PoolMon;

/// <summary>Generated snapshots printed in poolmon's layouts read back to the generator's values, field by field.</summary>
public sealed class PoolMonRoundTripTests
{
    public static TheoryData<bool, bool, bool> Styles()
    {
        var d = new TheoryData<bool, bool, bool>();
        foreach (bool screen in new[] { false, true })
            foreach (bool stamp in new[] { false, true })
                foreach (bool lose in new[] { false, true })
                    d.Add(screen, stamp, lose);
        return d;
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void ConcatenatedSnapshotsReadBack(bool screen, bool timestamp, bool loseBlanks)
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 11, Snapshots = 5, Tags = 120 });
        var style = new PoolMonTextStyle { Screen = screen, Timestamp = timestamp, LoseLeadingBlanks = loseBlanks };
        var text = string.Concat(synth.Snapshots.Select(s => PoolMonTextWriter.Write(s, style)));
        var log = PoolMonParser.Parse(text, "gen.txt");
        Assert.Equal(synth.Snapshots.Count, log.Snapshots.Count);
        Assert.Equal(0, log.SkippedLines);
        for (int s = 0; s < synth.Snapshots.Count; s++)
        {
            var want = synth.Snapshots[s];
            var got = log.Snapshots[s];
            Assert.Equal(timestamp ? want.Time : null, got.Timestamp);
            Assert.Equal(want.MemoryKb, got.Header!.MemoryKb);
            Assert.Equal(want.AvailKb, got.Header.AvailableKb);
            Assert.Equal(want.PageFaults, got.Header.PageFaults);
            Assert.Equal(want.CommitKb, got.Header.CommitKb);
            Assert.Equal(want.PoolNonPagedKb, got.Header.PoolNonPagedKb);
            Assert.Equal(want.PoolPagedKb, got.Header.PoolPagedKb);
            Assert.Equal(screen ? "System pool information" : null, got.Title);
            Assert.Equal(screen, got.HasDeltaColumns);
            Assert.Equal(want.Rows.Count, got.Rows.Count);
            for (int i = 0; i < want.Rows.Count; i++)
            {
                var w = want.Rows[i];
                var g = got.Rows[i];
                // A tag that begins with its inner blank cannot survive lost padding; the generator makes none.
                Assert.Equal((w.Tag, w.Type, w.Allocs, w.Frees, w.Diff, w.Bytes, w.PerAlloc), (g.Tag, g.TypeText, g.Allocs, g.Frees, g.Diff, g.Bytes, g.PerAlloc));
                if (screen) Assert.Equal((want.AllocsDelta[i], want.FreesDelta[i], want.BytesDelta[i]), (g.AllocsDelta, g.FreesDelta, g.BytesDelta));
            }
        }
    }

    [Fact]
    public void TagsWithBlanksAndShortTagsKeepTheirText()
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 3, Snapshots = 1, Tags = 400 });
        var tags = synth.Snapshots[0].Rows.Select(r => r.Tag).ToList();
        Assert.Contains(tags, t => t.Length < 4);
        Assert.Contains(tags, t => t.Contains(' '));
        var log = PoolMonParser.Parse(PoolMonTextWriter.Write(synth.Snapshots[0], new PoolMonTextStyle { LoseLeadingBlanks = true }), "x");
        Assert.Equal(tags, log.Snapshots[0].Rows.Select(r => r.Tag));
    }
}
