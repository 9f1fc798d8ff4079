namespace Ntdbg.Analyses.Trends;

/// <summary>
/// The Mann–Kendall test for a monotonic trend: S = Σ_{i&lt;j} sign(y_j − y_i); under "no trend"
/// S is ≈ normal with mean 0 and Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 (t: sizes of groups of
/// tied values); Z = (S − sign(S)) / √Var(S) (continuity correction); p two-sided. NaN values are
/// skipped. Series longer than <see cref="TheilSen.ExactLimit"/> are thinned evenly first (bounded
/// cost; the p-value then describes the thinned series). Note: samples of a smooth counter are
/// autocorrelated, which makes p too small — the leak test uses it as a necessary condition only.
/// </summary>
public static class MannKendall
{
    public static MannKendallResult Test(IReadOnlyList<double> y, int exactLimit = TheilSen.ExactLimit)
    {
        var index = Enumerable.Range(0, y.Count).Select(i => (double)i).ToArray();
        var (_, ys) = TheilSen.Thin(TheilSen.Valid(index, y), exactLimit);
        int n = ys.Length;
        if (n < 3) return new MannKendallResult(n, 0, 0, 0, 1, 0);
        long s = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                s += Math.Sign(ys[j] - ys[i]);
        double variance = ((double)n * (n - 1) * (2 * n + 5) - TieTerm(ys)) / 18.0;
        double z = variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.Sqrt(variance) : s < 0 ? (s + 1) / Math.Sqrt(variance) : 0;
        double p = 2 * (1 - Normal.Cdf(Math.Abs(z)));
        double tau = s / (n * (n - 1) / 2.0);
        return new MannKendallResult(n, s, variance, z, Math.Clamp(p, 0, 1), tau);
    }

    /// <summary>Σ t(t−1)(2t+5) over groups of equal values.</summary>
    static double TieTerm(double[] ys)
    {
        var sorted = (double[])ys.Clone();
        Array.Sort(sorted);
        double sum = 0;
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j < sorted.Length && sorted[j] == sorted[i]) j++;
            double t = j - i;
            sum += t * (t - 1) * (2 * t + 5);
            i = j;
        }
        return sum;
    }
}

/// <summary>Mann–Kendall statistics: S, its variance (ties corrected), Z, two-sided p and Kendall's tau (S over pairs).</summary>
public sealed record MannKendallResult(int N, long S, double Variance, double Z, double P, double Tau);
