using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Charts.PerfLogs;

/// <summary>
/// How the value axis is scaled and labelled. Byte counters (every plotted counter's name says
/// "Bytes") are shown in KB/MB/GB (powers of 1024, as perfmon's Pool and Memory views are read);
/// anything else keeps its raw unit, divided by a power of 1000 when the values are large, and the
/// axis label says by how much.
/// </summary>
public sealed record ValueScale(double Divisor, string AxisLabel)
{
    public static ValueScale For(IReadOnlyList<CounterSeries> series)
    {
        double max = 0;
        foreach (var s in series)
            foreach (var v in s.Values)
                if (!double.IsNaN(v) && !double.IsInfinity(v)) max = Math.Max(max, Math.Abs(v));

        bool bytes = series.Count > 0 && series.All(s => s.Path.Counter.Contains("Bytes", StringComparison.OrdinalIgnoreCase));
        bool perSecond = series.Count > 0 && series.All(s => s.Path.Counter.EndsWith("/sec", StringComparison.OrdinalIgnoreCase));
        string rate = perSecond ? "/s" : "";
        if (bytes)
        {
            string[] units = ["bytes", "KB", "MB", "GB", "TB"];
            int i = 0;
            double divisor = 1;
            while (i < units.Length - 1 && max / divisor >= 1024 * 10) { divisor *= 1024; i++; }
            return new ValueScale(divisor, units[i] + rate);
        }
        string[] factors = ["", " (thousands)", " (millions)", " (billions)"];
        int k = 0;
        double d = 1;
        while (k < factors.Length - 1 && max / d >= 1000 * 100) { d *= 1000; k++; }
        return new ValueScale(d, "value" + rate + factors[k]);
    }
}
