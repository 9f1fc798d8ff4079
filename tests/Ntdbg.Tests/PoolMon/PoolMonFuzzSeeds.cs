using System.Text;
using Ntdbg.Synth.PoolMon;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PoolMon;

/// <summary>Seeds for the poolmon fuzz target: generated logs and screens (several snapshots each), plus the real excerpt.</summary>
public static class PoolMonFuzzSeeds
{
    public static List<byte[]> All()
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 4, Snapshots = 8, Tags = 12, LoadTags = 3 });
        var seeds = new List<byte[]>();
        foreach (bool screen in new[] { false, true })
            seeds.Add(Encoding.Latin1.GetBytes(string.Concat(synth.Snapshots.Select(s => PoolMonTextWriter.Write(s, new PoolMonTextStyle { Screen = screen, Timestamp = !screen })))));
        if (TestData.SharedRoot != null && File.Exists(TestData.Shared(PoolMonExcerptTests.Excerpt)))
            seeds.Add(File.ReadAllBytes(TestData.Shared(PoolMonExcerptTests.Excerpt)));
        return seeds;
    }
}
