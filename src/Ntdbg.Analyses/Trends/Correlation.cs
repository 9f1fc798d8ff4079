namespace Ntdbg.Analyses.Trends;

/// <summary>Pearson and Spearman correlation over the samples where both series have a value.</summary>
public static class Correlation
{
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var (x, y) = TheilSen.Valid(a, b);
        if (x.Length < 3) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx <= 0 || syy <= 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Pearson correlation of the ranks (ties get their average rank).</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var (x, y) = TheilSen.Valid(a, b);
        if (x.Length < 3) return double.NaN;
        return Pearson(Ranks(x), Ranks(y));
    }

    public static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j < order.Length && values[order[j]] == values[order[i]]) j++;
            double average = (i + j - 1) / 2.0 + 1;
            for (int k = i; k < j; k++) ranks[order[k]] = average;
            i = j;
        }
        return ranks;
    }
}
