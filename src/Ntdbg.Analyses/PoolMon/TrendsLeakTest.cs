using Ntdbg.Analyses.Trends;

namespace Ntdbg.Analyses.PoolMon;

/// <summary>
/// The shared leak test (<see cref="LeakTest"/>: Theil–Sen slope, Mann–Kendall, rising floor, falls)
/// applied to one tag's bytes, so a poolmon series and a counter log are judged alike. Poolmon
/// series are short (the seed's "poolmonlog1, 2, ..."), so fewer samples are accepted than for
/// counter logs; Mann–Kendall still needs about 7 steady points before it calls a rise significant.
/// When times are unknown the x axis is snapshot numbers, passed as hours on a notional clock.
/// </summary>
public sealed class TrendsLeakTest : IPoolTrendTest
{
    public const int MinSamples = 6;

    private static readonly DateTime Origin = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public PoolTrendFit Test(IReadOnlyList<double> x, IReadOnlyList<double> y, double minGrowth)
    {
        int n = Math.Min(x.Count, y.Count);
        if (n < 2) return new PoolTrendFit(0, PoolLeakVerdict.NotApplicable, "one point: no growth can be measured");
        var times = x.Take(n).Select(h => Origin.AddHours(h)).ToList();
        var result = LeakTest.Run(times, y.Take(n).ToList(), new LeakTestOptions { MinSamples = MinSamples, MinSpan = TimeSpan.Zero });
        double slope = double.IsFinite(result.GrowthPerHour) ? result.GrowthPerHour : TheilSen.Fit(x.Take(n).ToList(), y.Take(n).ToList()).Slope;
        string reason = string.Join("; ", result.Reasons);
        var verdict = result.Verdict switch
        {
            LeakVerdict.Leak => PoolLeakVerdict.Leak,
            LeakVerdict.LoadRelated => PoolLeakVerdict.LoadRelated,
            LeakVerdict.Stable => PoolLeakVerdict.Stable,
            _ => PoolLeakVerdict.Inconclusive,
        };
        double rise = slope * (x[n - 1] - x[0]);
        if (verdict == PoolLeakVerdict.Leak && rise < minGrowth)
            return new PoolTrendFit(slope, PoolLeakVerdict.Stable, $"rises steadily but only {LeakTest.Num(rise)} over the series, below the {LeakTest.Num(minGrowth)} floor; {reason}");
        return new PoolTrendFit(slope, verdict, reason);
    }
}
