using System.Globalization;

namespace Ntdbg.Analyses.Trends;

/// <summary>
/// Tells a leak from load, the seed's rule (Troubleshooting Pool Leaks Part 1): "a leak never
/// decreases. Memory usage that is load related should decrease when the load is reduced."
/// Per boot segment: Mann–Kendall must find a rising trend; the floor (the lowest of the first, middle
/// and last third, after a running median of 5) must rise by a material amount, beyond what noise explains, and
/// never step back — a leak's troughs rise, a load cycle's troughs return to the baseline.
/// A series that falls back materially without a rising floor is load-related.
/// </summary>
public static class LeakTest
{
    const double MaterialShare = 0.02;
    const double SignificanceP = 0.01;

    public static LeakTestResult Run(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values, LeakTestOptions? options = null)
    {
        options ??= new LeakTestOptions();
        if (timestamps.Count != values.Count) throw new ArgumentException("timestamps and values differ in length");
        var axis = TimeAxis.Build(timestamps);
        double noise = BootSegments.NoiseScale(values);
        var bounds = BootSegments.Split(values, axis, noise, options.KnownResets);
        var segments = bounds.Select(b => Segment(timestamps, values, axis, b.Start, b.End, options)).ToList();
        var correlations = options.Load
            .Where(l => l.Values.Count == values.Count)
            .Select(l => new LoadCorrelation(l.Name, Correlation.Spearman(values, l.Values), Correlation.Pearson(values, l.Values)))
            .Where(c => double.IsFinite(c.Spearman))
            .ToList();

        var (peak, peakTime) = Peak(timestamps, values);
        var reasons = new List<string>();
        if (segments.Count > 1)
            reasons.Add($"{segments.Count} boot segments (reboot or counter reset at sample{(segments.Count > 2 ? "s" : "")} {string.Join(", ", segments.Skip(1).Select(s => s.Start))}); each tested separately");
        var decided = segments.Where(s => s.Verdict != LeakVerdict.Inconclusive).ToList();
        LeakVerdict verdict;
        LeakSegment? basis;
        if (decided.Count == 0)
        {
            verdict = LeakVerdict.Inconclusive;
            basis = segments.OrderByDescending(s => s.Samples).FirstOrDefault();
        }
        else if (decided.Any(s => s.Verdict == LeakVerdict.Leak) && decided.All(s => s.Verdict is LeakVerdict.Leak or LeakVerdict.Stable))
        {
            // A boot that did not leak (yet) does not clear one that did: the leak depends on what the machine did.
            verdict = LeakVerdict.Leak;
            basis = decided.Last(s => s.Verdict == LeakVerdict.Leak);
            if (decided.Count(s => s.Verdict == LeakVerdict.Leak) < decided.Count)
                reasons.Add($"leaks in {decided.Count(s => s.Verdict == LeakVerdict.Leak)} of {decided.Count} boot segments; the others are stable");
        }
        else if (decided.Select(s => s.Verdict).Distinct().Count() == 1)
        {
            verdict = decided[0].Verdict;
            basis = decided[^1];
        }
        else
        {
            // Mixed (one boot leaks, another falls back): the longest segment speaks, and we say so.
            basis = decided.OrderByDescending(s => s.SpanHours).First();
            verdict = basis.Verdict;
            reasons.Add("segments disagree (" + string.Join(", ", decided.Select(s => $"{s.FirstTime:MM-dd HH:mm}: {s.Verdict}")) + "); the longest decides");
        }
        if (basis != null) reasons.AddRange(basis.Reasons);
        foreach (var c in correlations.Where(c => Math.Abs(c.Spearman) >= 0.5))
            reasons.Add($"moves with {c.Name} (Spearman {c.Spearman:0.00})" + (verdict == LeakVerdict.Leak ? ", but its floor still rises" : ""));

        double growth = basis?.GrowthPerHour ?? double.NaN;
        double? hours = null;
        if (options.Maximum is double max && basis != null && growth > 0 && double.IsFinite(basis.Last))
            hours = basis.Last >= max ? 0 : (max - basis.Last) / growth;
        return new LeakTestResult(verdict, reasons, growth, peak, peakTime, options.Maximum, hours, segments, correlations, axis.Notes, axis.IntervalHours);
    }

    static (double, DateTime?) Peak(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values)
    {
        double peak = double.NaN;
        DateTime? when = null;
        for (int i = 0; i < values.Count; i++)
            if (double.IsFinite(values[i]) && (!double.IsFinite(peak) || values[i] > peak)) { peak = values[i]; when = timestamps[i]; }
        return (peak, when);
    }

    static LeakSegment Segment(IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values, TimeAxisResult axis, int start, int end, LeakTestOptions options)
    {
        var t = new List<double>();
        var v = new List<double>();
        for (int i = start; i < end; i++)
            if (double.IsFinite(values[i])) { t.Add(axis.Hours[i]); v.Add(values[i]); }
        double span = t.Count > 1 ? t[^1] - t[0] : 0;
        var reasons = new List<string>();
        double level = Math.Abs(TheilSen.Median(v));
        double noise = Math.Max(BootSegments.NoiseScale(v), 1e-6 * level);
        var fit = TheilSen.Fit(t, v);
        var trend = MannKendall.Test(v);
        double material = Math.Max(MaterialShare * level, 6 * noise);
        // Falls and floors are measured on a running median of 5, so a one- or two-sample glitch is
        // neither a "fall" nor a floor, and noise moves the floor less.
        var smooth = RunningMedian(v, 5);
        var falls = Drawdowns.Measure(smooth, material);
        int third = v.Count / 3;
        double f1 = third > 0 ? smooth.Take(third).Min() : double.NaN;
        double f2 = third > 0 ? smooth.Skip(third).Take(v.Count - 2 * third).Min() : double.NaN;
        double f3 = third > 0 ? smooth.Skip(v.Count - third).Min() : double.NaN;
        var verdict = Decide();
        return new LeakSegment(start, end, timestamps[start], timestamps[Math.Max(start, end - 1)], v.Count, span, verdict, reasons,
            fit.Slope, trend, falls, f1, f2, f3, noise, level, v.Count > 0 ? v[^1] : double.NaN);

        LeakVerdict Decide()
        {
            if (v.Count < options.MinSamples || span < options.MinSpan.TotalHours)
            {
                reasons.Add($"too short: {v.Count} samples over {Hours(span)} (need {options.MinSamples} samples and {Hours(options.MinSpan.TotalHours)})");
                return LeakVerdict.Inconclusive;
            }
            // The floor's rise must beat the sampling error of two low quantiles (≈ 3σ/√m each way).
            double floorNoise = Math.Max(3 * noise / Math.Sqrt(Math.Max(third, 1)), 0.5 * noise);
            double floorRise = f3 - f1;
            bool floorRises = floorRise > Math.Max(MaterialShare * level, 3.5 * floorNoise)
                && f2 >= f1 - 3 * floorNoise - 0.01 * level && f3 >= f2 - 3 * floorNoise - 0.01 * level;
            bool rising = trend.Z > 0 && trend.P < SignificanceP && fit.Slope > 0;
            string trendText = $"Theil–Sen {Signed(fit.Slope)}/h, Mann–Kendall Z {trend.Z:0.0} (p {P(trend.P)})";
            string floorText = $"floor {Num(f1)} → {Num(f2)} → {Num(f3)} (lowest of each third, running median of 5)";
            string fallText = falls.Episodes == 0
                ? $"never falls materially (deepest fall {Num(falls.MaxDrawdown)}, {falls.MaxDrawdown / Math.Max(level, 1e-300):P1} of its level)"
                : $"falls {falls.Episodes} time{(falls.Episodes == 1 ? "" : "s")} by at least {Num(material)} (deepest {Num(falls.MaxDrawdown)})";
            if (rising && floorRises)
            {
                reasons.Add($"rises steadily: {trendText}");
                reasons.Add($"floor keeps rising: {floorText}");
                reasons.Add(fallText + (falls.Episodes > 0 ? ", but returns above its old floor each time" : ""));
                return LeakVerdict.Leak;
            }
            if (falls.Episodes > 0 && !floorRises)
            {
                reasons.Add($"rises and falls back: {fallText}");
                reasons.Add($"floor does not rise: {floorText}");
                reasons.Add($"trend: {trendText}");
                return LeakVerdict.LoadRelated;
            }
            double change = Math.Abs(fit.Slope * span);
            if (!rising && falls.Episodes == 0 && !(change > material))
            {
                reasons.Add($"stable: {trendText}; change over {Hours(span)} {Num(change)} is below {Num(material)}");
                reasons.Add(fallText);
                return LeakVerdict.Stable;
            }
            reasons.Add($"mixed: {trendText}; {floorText}; {fallText}");
            return LeakVerdict.Inconclusive;
        }
    }

    static List<double> RunningMedian(List<double> v, int width)
    {
        var smoothed = new List<double>(v.Count);
        for (int i = 0; i < v.Count; i++)
        {
            int lo = Math.Max(0, i - width / 2), hi = Math.Min(v.Count, i + width / 2 + 1);
            smoothed.Add(TheilSen.Median(v.GetRange(lo, hi - lo)));
        }
        return smoothed;
    }

    static string Hours(double h) => h >= 1 ? $"{h:0.#} h" : $"{h * 60:0} min";
    static string P(double p) => p < 1e-4 ? "< 0.0001" : p.ToString("0.0000", CultureInfo.InvariantCulture);
    static string Signed(double x) => (x >= 0 ? "+" : "-") + Num(Math.Abs(x));

    /// <summary>Counter values are mostly bytes: MB/GB when large, plain otherwise.</summary>
    public static string Num(double x)
    {
        if (!double.IsFinite(x)) return "n/a";
        double a = Math.Abs(x);
        return a >= 1 << 30 ? $"{x / (1 << 30):0.##} GB" : a >= 1 << 20 ? $"{x / (1 << 20):0.#} MB" : a >= 10 * 1024 ? $"{x / 1024:0.#} KB" : $"{x:0.##}";
    }
}
