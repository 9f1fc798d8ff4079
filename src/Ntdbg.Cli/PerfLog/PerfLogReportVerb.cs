using Ntdbg.Charts.PerfLogs;
using Ntdbg.Commands.Commands.PerfLog;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// `ntdbg perflog report &lt;log&gt; -o report.html [--counter &lt;path&gt;...] [--title text]`: one
/// self-contained HTML file (<see cref="PerfLogReportHtml"/>) with the log's summary, the chart
/// inline and the leak verdict.
/// </summary>
public static class PerfLogReportVerb
{
    public const string Usage = "usage: ntdbg perflog report <log> -o <report.html> [--counter <path>...] [--title <text>]";

    public static int Run(string[] args, Func<string, CounterLog> load, TextWriter output, TextWriter error)
    {
        var a = PerfLogVerbArguments.Parse("report", args, error);
        if (a == null) { error.WriteLine(Usage); return 2; }
        return PerfLogVerbErrors.Guard("report", error, () =>
        {
            var log = PerfLogVerbErrors.Load(a.Log, load);
            var series = CounterSelection.Select(log, a.Counters);
            if (a.Counters.Count == 0 && series.Count > CounterChart.MaxLines) series = series.Take(CounterChart.MaxLines).ToList();
            var chart = new CounterChart(log, series, new ChartOptions(null, a.Width, a.Height));
            var summary = PerfLogSummary.Of(log, log.Series);
            File.WriteAllText(a.Output, PerfLogReportHtml.Render(summary, chart, a.Title));
            output.WriteLine($"{a.Output}: {log.Series.Count} counter(s), {series.Count} charted, {log.Timestamps.Count} sample(s)");
        });
    }
}
