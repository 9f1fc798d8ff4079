using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Charts.PerfLogs;
using Ntdbg.Commands.Commands.PerfLog;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// `ntdbg perflog report &lt;log&gt; -o report.html [--counter &lt;path&gt;...] [--title text]`: one
/// self-contained HTML file (<see cref="PerfLogReportHtml"/>) with the log's summary, the chart
/// inline and the leak verdict of <see cref="PerfLeakAnalysis"/> with its reasons.
/// </summary>
public static class PerfLogReportVerb
{
    public const string Usage = "usage: ntdbg perflog report <log> -o <report.html> [--counter <path>...] [--ram <size>] [--pool-max <size>] [--title <text>]";

    /// <summary>The verb as the perflog dispatcher runs it: any log <see cref="PerfLogFile"/> reads.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, path => PerfLogFile.Read(path), output, error);

    /// <param name="load">Reads the log (tests pass in-memory logs).</param>
    public static int Run(string[] args, Func<string, CounterLog> load, TextWriter output, TextWriter error)
    {
        var a = PerfLogVerbArguments.Parse("report", args, error);
        if (a == null) { error.WriteLine(Usage); return 2; }
        return PerfLogVerbErrors.Guard("report", error, () =>
        {
            var (log, series) = PerfLogVerbErrors.Load(a.Log, a.Counters, load);
            if (a.Counters.Count == 0) series = DefaultCharted(log);
            var chart = new CounterChart(log, series, new ChartOptions(null, a.Width, a.Height));
            var summary = PerfLogSummary.Of(log, log.Series);
            // The verdict covers the charted counters when they were named, else the pool totals.
            var leak = PerfLeakAnalysis.Run(log, new PerfLeakOptions { Counters = a.Counters, RamBytes = a.RamBytes, PoolMaxBytes = a.PoolMaxBytes });
            File.WriteAllText(a.Output, PerfLogReportHtml.Render(summary, chart, leak, a.Title));
            string verdict = LeakVerdictHtml.Overall(leak)?.ToString() ?? "none (no pool counter)";
            output.WriteLine($"{a.Output}: {log.Series.Count} counter(s), {series.Count} charted, {log.Timestamps.Count} sample(s), leak verdict: {verdict}");
        });
    }

    // The report is about pool leaks: without --counter it charts the pool totals when the log has
    // them, else the first few counters (a chart of hundreds of lines shows nothing).
    private static IReadOnlyList<CounterSeries> DefaultCharted(CounterLog log)
    {
        var pool = new CounterSelector([@"\Memory\Pool Paged Bytes", @"\Memory\Pool Nonpaged Bytes"]).Select(log).ToList();
        return pool.Count > 0 ? pool : [.. log.Series.Take(8)];
    }
}
