using System.Globalization;
using System.Text;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// The text of `perflog dump`: a short header (machines, time zone, counters, sample count), then
/// the samples as relog's CSV (<see cref="PerfCsvWriter"/>: a missing value is " ").
/// </summary>
public static class PerfLogDumpText
{
    public static void Write(CounterLog log, TextWriter output)
    {
        output.WriteLine($"Log:       {log.Source}");
        output.WriteLine($"Machine:   {string.Join(", ", log.Machines.DefaultIfEmpty("(none named)"))}");
        output.WriteLine($"Time zone: {log.TimeZone ?? "(not recorded)"}" + (log.TimeZoneBias is int b ? $" (bias {b} minutes)" : ""));
        output.WriteLine($"Zone:      {WindowsTimeZones.Resolve(log.TimeZone, log.TimeZoneBias, log.Timestamps.Count > 0 ? log.Timestamps[0] : null).How}");
        output.WriteLine($"Samples:   {log.Timestamps.Count}" + (log.Timestamps.Count > 0 ? $" ({Stamp(log.Timestamps[0])} .. {Stamp(log.Timestamps[^1])})" : ""));
        output.WriteLine($"Counters:  {log.Series.Count}");
        foreach (var s in log.Series) output.WriteLine($"  {s.Path}");
        output.WriteLine();
        using var csv = new MemoryStream();
        PerfCsvWriter.Write(log, csv, PerfLogDialect.Csv);
        output.Write(Encoding.UTF8.GetString(csv.GetBuffer(), 0, (int)csv.Length));
    }

    private static string Stamp(DateTime t) => t.ToString("MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
