using System.Text;
using Ntdbg.Analyses.PoolMon;
using Ntdbg.Formats.PoolMon;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the poolmon log reader: parse (TextFormatException is the only expected failure),
/// then order the snapshots and rank the tags as `ntdbg poolmon trend` does.
/// </summary>
public static class PoolMonFuzzTarget
{
    public static void Run(byte[] input)
    {
        // Latin-1 maps every byte to one character, so hostile bytes reach the parser unchanged.
        var log = PoolMonParser.Parse(Encoding.Latin1.GetString(input), "fuzz.txt");
        if (log.Snapshots.Count == 0) return;
        var series = PoolMonSeries.Build([new PoolMonFile(log, null)]);
        var result = PoolMonTrend.Analyze(series, new PoolMonTrendOptions(Top: 50), new TrendsLeakTest(), null, null);
        _ = result.Leaks.Count();
    }
}
