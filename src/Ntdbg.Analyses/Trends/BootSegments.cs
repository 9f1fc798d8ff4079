namespace Ntdbg.Analyses.Trends;

/// <summary>
/// Splits a series at reboots / counter resets, so a leak that restarts after every reboot reads
/// as a leak per boot rather than as "rises and falls". A reset is a drop where the counter falls to
/// near zero (below a tenth of the previous value), or a clear drop right after the time axis jumps
/// (the collector stopped: a reboot gap). A drop across NaN samples with continuous timestamps is
/// not a reset — blank values are missing samples, not a reboot.
/// </summary>
public static class BootSegments
{
    public static IReadOnlyList<(int Start, int End)> Split(IReadOnlyList<double> values, TimeAxisResult axis, double noise)
    {
        var segments = new List<(int, int)>();
        int start = 0;
        double previous = double.NaN;
        bool jumped = false;
        for (int i = 0; i < values.Count; i++)
        {
            jumped |= axis.GapBefore[i];
            double v = values[i];
            if (!double.IsFinite(v)) continue;
            if (double.IsFinite(previous) && v < previous)
            {
                bool nearZero = v < 0.1 * previous;
                bool dropAfterGap = jumped && previous - v > Math.Max(6 * noise, 0.05 * Math.Abs(previous));
                if (nearZero || dropAfterGap)
                {
                    segments.Add((start, i));
                    start = i;
                }
            }
            previous = v;
            jumped = false;
        }
        segments.Add((start, values.Count));
        return segments;
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
