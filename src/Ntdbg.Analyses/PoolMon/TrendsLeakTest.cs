using Ntdbg.Analyses.Trends;

namespace Ntdbg.Analyses.PoolMon;

/// <summary>
/// The shared leak test (<see cref="LeakTest"/>: Theil–Sen slope, Mann–Kendall, rising floor, falls)
/// applied to one tag's bytes, so a poolmon series and a counter log are judged alike, each boot on
/// its own. Poolmon series are short (the seed's "poolmonlog1, 2, ..."), so fewer samples are
/// accepted than for counter logs; Mann–Kendall still needs about 7 steady points before it calls a
/// rise significant. When times are unknown the x axis is snapshot numbers, passed as hours on a
/// notional clock.
/// A short series of a load-driven tag (2–4 cycles, a snapshot every 30 minutes) changes a lot from
/// one snapshot to the next, which the shared test reads as noise and so calls the tag Stable; a tag
/// the shared test does not call a leak is therefore also checked with <see cref="RisesAndFalls"/>,
/// and read as load-related when its bytes clearly rise and fall back within a boot.
/// </summary>
public sealed class TrendsLeakTest : IPoolTrendTest
{
    public const int MinSamples = 6;

    /// <summary>A rise and a fall must each be at least this share of the tag's typical bytes to count as load.</summary>
    public const double LoadSwingShare = 0.1;

    private static readonly DateTime Origin = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public PoolTrendFit Test(IReadOnlyList<double> x, IReadOnlyList<double> y, double minGrowth, IReadOnlyList<int> resets)
    {
        int n = Math.Min(x.Count, y.Count);
        if (n < 2) return new PoolTrendFit(0, PoolLeakVerdict.NotApplicable, "one point: no growth can be measured");
        var times = x.Take(n).Select(h => Origin.AddHours(h)).ToList();
        var values = y.Take(n).ToList();
        var result = LeakTest.Run(times, values, new LeakTestOptions { MinSamples = MinSamples, MinSpan = TimeSpan.Zero, KnownResets = resets });
        double slope = double.IsFinite(result.GrowthPerHour) ? result.GrowthPerHour : TheilSen.Fit(x.Take(n).ToList(), values).Slope;
        string reason = string.Join("; ", result.Reasons);
        var verdict = result.Verdict switch
        {
            LeakVerdict.Leak => PoolLeakVerdict.Leak,
            LeakVerdict.LoadRelated => PoolLeakVerdict.LoadRelated,
            LeakVerdict.Stable => PoolLeakVerdict.Stable,
            _ => PoolLeakVerdict.Inconclusive,
        };
        // A boot in which the tag clearly rises and falls back shows it follows load: a leak never
        // falls, and a leaking tag leaks in every boot, so such a boot outweighs another boot's rise
        // (a short boot can catch just the rising half of a load cycle).
        var swings = result.Segments.Where(s => s.Verdict != LeakVerdict.Leak)
            .Select(s => s.Verdict == LeakVerdict.LoadRelated ? "rises and falls back in the boot from " + s.FirstTime.ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : RisesAndFalls(values.GetRange(s.Start, s.End - s.Start)))
            .OfType<string>().ToList();
        if (swings.Count > 0 && verdict != PoolLeakVerdict.LoadRelated)
        {
            string overruled = verdict == PoolLeakVerdict.Leak ? "; another boot rises without falling, but a leak falls in no boot" : "";
            return new PoolTrendFit(slope, PoolLeakVerdict.LoadRelated, $"{swings[0]}{overruled}; the shared test alone: {result.Verdict}: {reason}");
        }
        int decided = result.Segments.Count(s => s.Verdict != LeakVerdict.Inconclusive), leaking = result.Segments.Count(s => s.Verdict == LeakVerdict.Leak);
        if (verdict == PoolLeakVerdict.Leak && 2 * leaking < decided)
            return new PoolTrendFit(slope, PoolLeakVerdict.Inconclusive, $"rises in only {leaking} of {decided} boots long enough to judge (a leaking tag leaks again after each restart); {reason}");
        var basis = result.Segments.FirstOrDefault(s => s.Verdict == LeakVerdict.Leak && s.GrowthPerHour == result.GrowthPerHour);
        double rise = basis != null ? slope * basis.SpanHours : slope * (x[n - 1] - x[0]);
        if (verdict == PoolLeakVerdict.Leak && rise < minGrowth)
            return new PoolTrendFit(slope, PoolLeakVerdict.Stable, $"rises steadily but only {LeakTest.Num(rise)} over the series, below the {LeakTest.Num(minGrowth)} floor; {reason}");
        return new PoolTrendFit(slope, verdict, reason);
    }

    /// <summary>
    /// Whether one boot's bytes rise from a trough and fall from a peak, each by more than a tenth of
    /// their median and 6 noise scales, and the deepest fall gives back at least half the range (a
    /// leak's falls are noise on a climb; load returns). Noise is measured against a running median
    /// of 3, which follows a smooth cycle but not snapshot-to-snapshot jitter. Null when not.
    /// </summary>
    public static string? RisesAndFalls(IReadOnlyList<double> v)
    {
        if (v.Count < MinSamples) return null;
        var residuals = new List<double>();
        for (int i = 1; i + 1 < v.Count; i++)
            residuals.Add(Math.Abs(v[i] - TheilSen.Median([v[i - 1], v[i], v[i + 1]])));
        double noise = 1.4826 * TheilSen.Median(residuals);
        double level = Math.Abs(TheilSen.Median(v));
        double swing = Math.Max(LoadSwingShare * level, 6 * noise);
        if (!(swing > 0)) return null;
        var falls = Drawdowns.Measure(v, swing);
        var rises = Drawdowns.Measure(v.Select(b => -b).ToList(), swing);
        double range = v.Max() - v.Min();
        if (falls.Episodes == 0 || rises.Episodes == 0 || falls.MaxDrawdown < 0.5 * range) return null;
        return $"rises and falls back {falls.Episodes} time{(falls.Episodes == 1 ? "" : "s")} by at least {LeakTest.Num(swing)} (deepest fall {LeakTest.Num(falls.MaxDrawdown)} of a {LeakTest.Num(range)} range): load-related";
    }
}
