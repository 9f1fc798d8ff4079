using Ntdbg.Charts.PerfLogs;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// `ntdbg perflog chart &lt;log&gt; [--counter &lt;path&gt;...] -o chart.svg|chart.png [--title text]`:
/// a perfmon-style line chart of the chosen counters (all of them without --counter), drawn by
/// <see cref="CounterChart"/>. The log is read by <paramref name="load"/> (the perflog readers).
/// </summary>
public static class PerfLogChartVerb
{
    public const string Usage = "usage: ntdbg perflog chart <log> [--counter <path>...] -o <chart.svg|chart.png> [--title <text>] [--width N] [--height N]";

    /// <summary>The verb as the perflog dispatcher runs it: any log <see cref="PerfLogFile"/> reads.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, path => PerfLogFile.Read(path), output, error);

    /// <param name="load">Reads the log (tests pass in-memory logs).</param>
    public static int Run(string[] args, Func<string, CounterLog> load, TextWriter output, TextWriter error)
    {
        var a = PerfLogVerbArguments.Parse("chart", args, error);
        if (a == null) { error.WriteLine(Usage); return 2; }
        return PerfLogVerbErrors.Guard("chart", error, () =>
        {
            var (log, series) = PerfLogVerbErrors.Load(a.Log, a.Counters, load);
            var chart = new CounterChart(log, series, new ChartOptions(a.Title, a.Width, a.Height));
            chart.Save(a.Output);
            output.WriteLine($"{a.Output}: {series.Count} counter(s), {log.Timestamps.Count} sample(s), values in {chart.Scale.AxisLabel}");
        });
    }
}
