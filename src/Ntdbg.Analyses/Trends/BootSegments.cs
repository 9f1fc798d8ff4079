namespace Ntdbg.Analyses.Trends;

/// <summary>
/// Splits a series at reboots / counter resets, so a leak that restarts after every reboot reads
/// as a leak per boot rather than as "rises and falls". A reset is a drop where the counter falls to
/// near zero (below a tenth of the previous value), or a clear drop right after the time axis jumps
/// (the collector stopped: a reboot gap). A drop across NaN samples with continuous timestamps is
/// not a reset — blank values are missing samples, not a reboot. Resets known from elsewhere
/// (poolmon's Allocs restarting) split the series whatever its values do.
/// </summary>
public static class BootSegments
{
    public static IReadOnlyList<(int Start, int End)> Split(IReadOnlyList<double> values, TimeAxisResult axis, double noise, IReadOnlyList<int>? knownResets = null)
    {
        var known = knownResets is { Count: > 0 } ? new HashSet<int>(knownResets) : null;
        var segments = new List<(int, int)>();
        int start = 0;
        int previous = -1;
        bool jumped = false;
        for (int i = 0; i < values.Count; i++)
        {
            jumped |= axis.GapBefore[i];
            if (known != null && known.Contains(i) && i > start)
            {
                segments.Add((start, i));
                start = i;
                previous = -1;
            }
            double v = values[i];
            if (!double.IsFinite(v)) continue;
            if (previous >= 0 && v < values[previous])
            {
                bool nearZero = v < 0.1 * values[previous];
                if (nearZero || jumped && DropsAcross(values, previous, i, noise))
                {
                    segments.Add((start, i));
                    start = i;
                }
            }
            previous = i;
            jumped = false;
        }
        segments.Add((start, values.Count));
        return segments;
    }

    /// <summary>
    /// Whether the level after a time gap is clearly below the level before it: medians of up to 10
    /// samples each side (so one noisy sample does not decide; each median's error ≈ 0.4 noise
    /// scales), apart by more than 2 noise scales (≈ 3.5 standard errors) and 2% of the level before.
    /// </summary>
    static bool DropsAcross(IReadOnlyList<double> values, int before, int after, double noise)
    {
        var left = new List<double>();
        for (int i = before; i >= 0 && left.Count < 10; i--) if (double.IsFinite(values[i])) left.Add(values[i]);
        var right = new List<double>();
        for (int i = after; i < values.Count && right.Count < 10; i++) if (double.IsFinite(values[i])) right.Add(values[i]);
        double l = TheilSen.Median(left), r = TheilSen.Median(right);
        return l - r > Math.Max(2 * noise, 0.02 * Math.Abs(l));
    }

    /// <summary>
    /// White-noise scale from first differences: 1.4826·MAD(Δ)/√2, robust to the trend and to rare
    /// jumps (a smooth load cycle changes little between samples).
    /// </summary>
    public static double NoiseScale(IReadOnlyList<double> values)
    {
        var diffs = new List<double>();
        double previous = double.NaN;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (double.IsFinite(previous)) diffs.Add(v - previous);
            previous = v;
        }
        if (diffs.Count < 2) return 0;
        double median = TheilSen.Median(diffs);
        double mad = TheilSen.Median(diffs.Select(d => Math.Abs(d - median)).ToList());
        return 1.4826 * mad / Math.Sqrt(2);
    }
}
