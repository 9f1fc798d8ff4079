namespace Ntdbg.Analyses.Trends;

/// <summary>
/// The Theil–Sen estimator: the median of the slopes between all pairs of points. Robust to up to
/// ~29% outliers (a spike, a stuck sample), which a least-squares slope is not. NaN points are
/// skipped. Exact for up to <see cref="ExactLimit"/> points (O(n²) pairs); longer series are thinned
/// to evenly spaced points first, so the cost stays bounded and the result deterministic.
/// </summary>
public static class TheilSen
{
    /// <summary>Series longer than this are thinned (≈ 1.1 million pairs at the limit).</summary>
    public const int ExactLimit = 1500;

    public static TheilSenFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, int exactLimit = ExactLimit)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        var (xs, ys) = Thin(Valid(x, y), exactLimit);
        if (xs.Length < 2) return new TheilSenFit(double.NaN, double.NaN, xs.Length, Thinned: false);
        var slopes = new List<double>(xs.Length * (xs.Length - 1) / 2);
        for (int i = 0; i < xs.Length; i++)
            for (int j = i + 1; j < xs.Length; j++)
            {
                double dx = xs[j] - xs[i];
                if (dx != 0) slopes.Add((ys[j] - ys[i]) / dx);
            }
        if (slopes.Count == 0) return new TheilSenFit(double.NaN, double.NaN, xs.Length, false);
        double slope = Median(slopes);
        var intercepts = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++) intercepts[i] = ys[i] - slope * xs[i];
        return new TheilSenFit(slope, Median(intercepts), xs.Length, Thinned: xs.Length < CountValid(x, y));
    }

    internal static (double[] X, double[] Y) Valid(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var xs = new List<double>(x.Count);
        var ys = new List<double>(y.Count);
        for (int i = 0; i < x.Count; i++)
            if (double.IsFinite(x[i]) && double.IsFinite(y[i])) { xs.Add(x[i]); ys.Add(y[i]); }
        return (xs.ToArray(), ys.ToArray());
    }

    static int CountValid(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = 0;
        for (int i = 0; i < x.Count; i++) if (double.IsFinite(x[i]) && double.IsFinite(y[i])) n++;
        return n;
    }

    /// <summary>Evenly spaced points (first and last kept) when there are more than <paramref name="limit"/>.</summary>
    internal static (double[] X, double[] Y) Thin((double[] X, double[] Y) p, int limit)
    {
        if (p.X.Length <= limit || limit < 2) return p;
        var xs = new double[limit];
        var ys = new double[limit];
        for (int k = 0; k < limit; k++)
        {
            int i = (int)Math.Round((double)k * (p.X.Length - 1) / (limit - 1));
            xs[k] = p.X[i];
            ys[k] = p.Y[i];
        }
        return (xs, ys);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var a = values.ToArray();
        Array.Sort(a);
        int m = a.Length / 2;
        return a.Length % 2 == 1 ? a[m] : (a[m - 1] + a[m]) / 2;
    }
}

/// <summary>y ≈ Intercept + Slope·x over <see cref="Points"/> points (fewer than the series when thinned).</summary>
public sealed record TheilSenFit(double Slope, double Intercept, int Points, bool Thinned);
