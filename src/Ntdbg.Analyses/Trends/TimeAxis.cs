namespace Ntdbg.Analyses.Trends;

/// <summary>
/// Elapsed hours per sample, robust to the log's wall clock: a step backwards (DST ends, NTP
/// correction, a clock set by hand) counts as one ordinary interval, so the series keeps its order;
/// a forward jump is kept as real time (the collector was stopped, the machine rebooted, or the clock
/// jumped — a log cannot tell which) and noted. The median interval is the log's sampling interval.
/// </summary>
public static class TimeAxis
{
    /// <summary>Jumps forward by more than this many intervals are noted.</summary>
    public const double JumpIntervals = 10;

    public static TimeAxisResult Build(IReadOnlyList<DateTime> timestamps)
    {
        int n = timestamps.Count;
        var hours = new double[n];
        var gapBefore = new bool[n];
        var notes = new List<string>();
        var positive = new List<double>();
        for (int i = 1; i < n; i++)
        {
            double d = (timestamps[i] - timestamps[i - 1]).TotalHours;
            if (d > 0) positive.Add(d);
        }
        double interval = positive.Count > 0 ? TheilSen.Median(positive) : 0;
        int backwards = 0;
        for (int i = 1; i < n; i++)
        {
            double d = (timestamps[i] - timestamps[i - 1]).TotalHours;
            if (d <= 0)
            {
                if (backwards++ < 5)
                    notes.Add($"clock goes back {Describe(-d)} at {timestamps[i]:yyyy-MM-dd HH:mm:ss} (sample {i}); counted as one interval");
                d = interval;
            }
            else if (interval > 0 && d > JumpIntervals * interval)
                notes.Add($"time jumps forward {Describe(d)} at {timestamps[i]:yyyy-MM-dd HH:mm:ss} (sample {i}); counted as elapsed time");
            gapBefore[i] = interval > 0 && d > 2.5 * interval;
            hours[i] = hours[i - 1] + d;
        }
        if (backwards > 5) notes.Add($"clock goes back {backwards} times in all");
        return new TimeAxisResult(hours, gapBefore, interval, notes);
    }

    static string Describe(double hours) =>
        hours >= 1 ? $"{hours:0.##} h" : $"{hours * 60:0.##} min";
}

/// <summary>Hours since the first sample; whether time jumped before a sample; the sampling interval in hours.</summary>
public sealed record TimeAxisResult(double[] Hours, bool[] GapBefore, double IntervalHours, IReadOnlyList<string> Notes);
