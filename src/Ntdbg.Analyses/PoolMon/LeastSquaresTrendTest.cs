namespace Ntdbg.Analyses.PoolMon;

/// <summary>
/// Interim leak test until the shared Trends statistics land: least-squares slope, and a leak only
/// when the series grows by at least the minimum, rarely steps down, and never gives back more than
/// a tenth of its rise (load-driven tags fall when load falls).
/// </summary>
public sealed class LeastSquaresTrendTest : IPoolTrendTest
{
    public const int MinPoints = 3;

    public PoolTrendFit Test(IReadOnlyList<double> x, IReadOnlyList<double> y, double minGrowth)
    {
        int n = Math.Min(x.Count, y.Count);
        if (n < 2) return new PoolTrendFit(0, PoolLeakVerdict.NotApplicable, "one point: no growth can be measured");
        double slope = Slope(x, y, n);
        if (n < MinPoints) return new PoolTrendFit(slope, PoolLeakVerdict.Inconclusive, $"{n} points: too few for a trend");
        double rise = slope * (x[n - 1] - x[0]);
        int falls = 0;
        double peak = y[0], drawdown = 0;
        for (int i = 1; i < n; i++)
        {
            if (y[i] < y[i - 1]) falls++;
            peak = Math.Max(peak, y[i]);
            drawdown = Math.Max(drawdown, peak - y[i]);
        }
        if (rise < minGrowth) return new PoolTrendFit(slope, PoolLeakVerdict.NotLeak, $"grew {rise:F0} bytes over the series, below the {minGrowth:F0} floor");
        if (drawdown > 0.1 * rise) return new PoolTrendFit(slope, PoolLeakVerdict.NotLeak, $"falls back {drawdown:F0} bytes from a peak ({100 * drawdown / rise:F0}% of its rise): load, not a leak");
        if (falls > (n - 1) / 5) return new PoolTrendFit(slope, PoolLeakVerdict.Inconclusive, $"falls in {falls} of {n - 1} steps");
        return new PoolTrendFit(slope, PoolLeakVerdict.Leak, $"rises {rise:F0} bytes, falls in {falls} of {n - 1} steps and never gives back more than {drawdown:F0} bytes");
    }

    private static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y, int n)
    {
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        return sxx == 0 ? 0 : sxy / sxx;
    }
}
