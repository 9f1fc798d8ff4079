using System.Globalization;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// The text of `perflog dump`: a short header (machines, time zone, counters, sample count), then
/// the samples as CSV in the shape relog writes (quoted fields, timestamp first; a missing value is
/// an empty field).
/// </summary>
public static class PerfLogDumpText
{
    public static void Write(CounterLog log, IReadOnlyList<CounterSeries> series, TextWriter output)
    {
        output.WriteLine($"Log:       {log.Source}");
        output.WriteLine($"Machine:   {string.Join(", ", log.Machines.DefaultIfEmpty("(none named)"))}");
        output.WriteLine($"Time zone: {log.TimeZone ?? "(not recorded)"}");
        output.WriteLine($"Samples:   {log.Timestamps.Count}" + (log.Timestamps.Count > 0 ? $" ({Stamp(log.Timestamps[0])} .. {Stamp(log.Timestamps[^1])})" : ""));
        output.WriteLine($"Counters:  {series.Count}");
        foreach (var s in series) output.WriteLine($"  {s.Path}");
        output.WriteLine();
        output.WriteLine(string.Join(",", series.Select(s => Quote(s.Path.ToString())).Prepend(Quote("(PDH-CSV 4.0)" + (log.TimeZone != null ? $" ({log.TimeZone})" : "")))));
        for (int i = 0; i < log.Timestamps.Count; i++)
        {
            output.WriteLine(string.Join(",", series.Select(s => Quote(Value(s.Values[i]))).Prepend(Quote(Stamp(log.Timestamps[i])))));
        }
    }

    private static string Stamp(DateTime t) => t.ToString("MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string Value(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
}
