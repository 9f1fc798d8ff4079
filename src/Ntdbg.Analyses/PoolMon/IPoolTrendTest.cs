namespace Ntdbg.Analyses.PoolMon;

/// <summary>What the leak test says about one tag's bytes over the series.</summary>
public enum PoolLeakVerdict
{
    /// <summary>Rises and does not come back down: what a leak looks like.</summary>
    Leak,

    /// <summary>Rises and falls back with load.</summary>
    LoadRelated,

    /// <summary>Neither grows nor falls materially, or grows less than the floor set for the run.</summary>
    Stable,

    /// <summary>Too few points, or mixed evidence.</summary>
    Inconclusive,

    /// <summary>One snapshot: growth cannot be measured.</summary>
    NotApplicable,
}

/// <summary>A trend and its verdict: slope in bytes per unit of x (hour or snapshot) and the reason in words.</summary>
public sealed record PoolTrendFit(double Slope, PoolLeakVerdict Verdict, string Reason);

/// <summary>
/// The leak test applied to each tag. Kept behind an interface so poolmon series use the same test
/// as the counter logs' leak analysis (Trends), not a second opinion of their own.
/// </summary>
public interface IPoolTrendTest
{
    /// <param name="x">Hours (or snapshot numbers) since the first point, increasing.</param>
    /// <param name="y">Bytes at each point.</param>
    /// <param name="minGrowth">Growth over the whole series below which nothing is called a leak (bytes).</param>
    /// <param name="resets">Point indices that start a new boot (counters reset): each boot is tested on its own.</param>
    PoolTrendFit Test(IReadOnlyList<double> x, IReadOnlyList<double> y, double minGrowth, IReadOnlyList<int> resets);
}
