using Ntdbg.Analyses.Trends;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>
/// Theil–Sen, Mann–Kendall, correlation and drawdowns against worked examples and against the
/// O(n²) definitions computed here, independently of the implementation.
/// </summary>
public sealed class TrendStatisticsTests
{
    [Fact]
    public void TheilSen_IgnoresAnOutlier_AsInSensExample()
    {
        // Sen (1968), "Estimates of the regression coefficient based on Kendall's tau": the slope is
        // the median of pairwise slopes. y = x with one wild point: 6 of the 10 pairwise slopes are 1,
        // the other 4 (99/4, 98/3, 97/2, 96) all involve the outlier, so the median is 1; least
        // squares would give 20.8.
        var fit = TheilSen.Fit([1, 2, 3, 4, 5], [1, 2, 3, 4, 100]);
        Assert.Equal(1, fit.Slope, 12);
        Assert.Equal(0, fit.Intercept, 12);
        Assert.False(fit.Thinned);
    }

    [Fact]
    public void TheilSen_EqualsThePairwiseMedian_OnRandomDataWithNaN()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 61).Select(i => i * 0.5).ToArray();
        var y = x.Select(v => 3 - 0.7 * v + rng.NextDouble() * 4).ToArray();
        y[10] = double.NaN;
        var slopes = new List<double>();
        for (int i = 0; i < x.Length; i++)
            for (int j = i + 1; j < x.Length; j++)
                if (!double.IsNaN(y[i]) && !double.IsNaN(y[j])) slopes.Add((y[j] - y[i]) / (x[j] - x[i]));
        slopes.Sort();
        double expected = slopes.Count % 2 == 1 ? slopes[slopes.Count / 2] : (slopes[slopes.Count / 2 - 1] + slopes[slopes.Count / 2]) / 2;
        Assert.Equal(expected, TheilSen.Fit(x, y).Slope, 12);
    }

    [Fact]
    public void TheilSen_LongSeries_IsThinnedDeterministically_AndStaysClose()
    {
        var rng = new Random(8);
        var x = Enumerable.Range(0, 20_000).Select(i => (double)i).ToArray();
        var y = x.Select(v => 2.5 * v + rng.NextDouble() * 100).ToArray();
        var fit = TheilSen.Fit(x, y);
        Assert.True(fit.Thinned);
        Assert.Equal(TheilSen.ExactLimit, fit.Points);
        Assert.InRange(fit.Slope, 2.49, 2.51);
        Assert.Equal(fit.Slope, TheilSen.Fit(x, y).Slope);
    }

    [Fact]
    public void MannKendall_GilbertWorkedExample()
    {
        // Gilbert (1987), Statistical Methods for Environmental Pollution Monitoring, ch. 16, the
        // Mann–Kendall example with n = 4 values 10, 15, 14, 20: S = 4 (five + and one −),
        // Var(S) = 4·3·13/18 = 8.667, Z = (S − 1)/√Var = 1.019.
        var r = MannKendall.Test([10, 15, 14, 20]);
        Assert.Equal(4, r.S);
        Assert.Equal(4 * 3 * 13 / 18.0, r.Variance, 9);
        Assert.Equal(3 / Math.Sqrt(4 * 3 * 13 / 18.0), r.Z, 9);
        Assert.Equal(2 * (1 - Normal.Cdf(r.Z)), r.P, 9);
        Assert.InRange(r.P, 0.30, 0.31);
    }

    [Fact]
    public void MannKendall_WithTies_MatchesTheDefinition()
    {
        double[] y = [5, 3, 3, 7, 7, 7, 2, 9, 9, 4, 11, 3];
        long s = 0;
        for (int i = 0; i < y.Length; i++)
            for (int j = i + 1; j < y.Length; j++)
                s += Math.Sign(y[j] - y[i]);
        // Tie groups: 3 ×3, 7 ×3, 9 ×2 → Σ t(t−1)(2t+5) = 66 + 66 + 18.
        int n = y.Length;
        double variance = (n * (n - 1) * (2 * n + 5) - (3 * 2 * 11 + 3 * 2 * 11 + 2 * 1 * 9)) / 18.0;
        var r = MannKendall.Test(y);
        Assert.Equal(s, r.S);
        Assert.Equal(variance, r.Variance, 9);
        Assert.Equal((s - Math.Sign(s)) / Math.Sqrt(variance), r.Z, 9);
    }

    [Fact]
    public void Normal_Cdf_MatchesTables()
    {
        Assert.Equal(0.5, Normal.Cdf(0), 7);
        Assert.Equal(0.9750021, Normal.Cdf(1.96), 6);
        Assert.Equal(0.0013499, Normal.Cdf(-3), 6);
    }

    [Fact]
    public void Correlation_PearsonAndSpearman()
    {
        double[] a = [1, 2, 3, 4, 5];
        Assert.Equal(1, Correlation.Pearson(a, [2, 4, 6, 8, 10]), 12);
        // Monotone but not linear: Spearman 1, Pearson below 1.
        double[] cubes = [1, 8, 27, 64, 125];
        Assert.Equal(1, Correlation.Spearman(a, cubes), 12);
        Assert.True(Correlation.Pearson(a, cubes) < 0.99);
        Assert.Equal(-1, Correlation.Spearman(a, [5, 4, 3, 2, 1]), 12);
        Assert.Equal([1.5, 1.5, 3], Correlation.Ranks([7, 7, 9]));
    }

    [Fact]
    public void Drawdowns_CountFallsFromTheRunningPeak()
    {
        var d = Drawdowns.Measure([1, 5, 2, 6, 6, 1, 7, double.NaN, 8], threshold: 3);
        Assert.Equal(2, d.Episodes);      // 5 → 2 and 6 → 1
        Assert.Equal(5, d.MaxDrawdown);
        Assert.Equal(0, Drawdowns.Measure([1, 2, 3, 4], 0.1).Episodes);
    }

    [Fact]
    public void LeakTest_ShortLog_IsInconclusive_AndClockBackIsNoted()
    {
        var t0 = new DateTime(2026, 1, 1);
        var times = Enumerable.Range(0, 6).Select(i => t0.AddMinutes(5 * i)).ToList();
        var r = LeakTest.Run(times, [1, 2, 3, 4, 5, 6]);
        Assert.Equal(LeakVerdict.Inconclusive, r.Verdict);
        Assert.Contains(r.Reasons, x => x.StartsWith("too short", StringComparison.Ordinal));

        var back = Enumerable.Range(0, 48).Select(i => t0.AddMinutes(5 * i - (i >= 20 ? 60 : 0))).ToList();
        var leak = LeakTest.Run(back, Enumerable.Range(0, 48).Select(i => 100.0 + 10 * i).ToList());
        Assert.Equal(LeakVerdict.Leak, leak.Verdict);
        Assert.Contains(leak.TimeNotes, n => n.StartsWith("clock goes back", StringComparison.Ordinal));
        Assert.Equal(120, leak.GrowthPerHour, 6); // 10 per 5 minutes, the backward step counted as one interval
    }

    [Fact]
    public void LeakTest_CounterResetToZero_SplitsBootSegments()
    {
        var t0 = new DateTime(2026, 1, 1);
        var times = Enumerable.Range(0, 120).Select(i => t0.AddMinutes(5 * i)).ToList();
        var values = Enumerable.Range(0, 120).Select(i => i < 60 ? 1000.0 + 50 * i : 5.0 + 50 * (i - 60)).ToList();
        var r = LeakTest.Run(times, values);
        Assert.Equal(2, r.Segments.Count);
        Assert.Equal(60, r.Segments[1].Start);
        Assert.Equal(LeakVerdict.Leak, r.Verdict);
        Assert.Contains(r.Reasons, x => x.Contains("boot segments", StringComparison.Ordinal));
    }
}
