namespace Ntdbg.Analyses.Trends;

/// <summary>
/// How often and how far a series falls: a drawdown is a fall from the running peak; it counts as
/// an episode when it reaches <c>threshold</c> and ends when the series sets a new peak. A leak
/// "never decreases" (seed, Part 1); load-driven usage falls when the load does.
/// </summary>
public static class Drawdowns
{
    public static DrawdownSummary Measure(IReadOnlyList<double> values, double threshold)
    {
        double peak = double.NaN, deepest = 0, episodeDepth = 0, totalFall = 0, previous = double.NaN;
        int episodes = 0, fallingSteps = 0, steps = 0;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (double.IsFinite(previous))
            {
                steps++;
                if (v < previous) { fallingSteps++; totalFall += previous - v; }
            }
            previous = v;
            if (!double.IsFinite(peak) || v >= peak)
            {
                if (episodeDepth >= threshold) episodes++;
                peak = v;
                episodeDepth = 0;
                continue;
            }
            episodeDepth = Math.Max(episodeDepth, peak - v);
            deepest = Math.Max(deepest, peak - v);
        }
        if (episodeDepth >= threshold) episodes++;
        return new DrawdownSummary(episodes, deepest, steps == 0 ? 0 : (double)fallingSteps / steps, totalFall);
    }
}

/// <summary>
/// Episodes: falls of at least the threshold; MaxDrawdown: the deepest fall from a running peak;
/// FallingShare: the share of steps that go down; TotalFall: the sum of all downward steps.
/// </summary>
public sealed record DrawdownSummary(int Episodes, double MaxDrawdown, double FallingShare, double TotalFall);
