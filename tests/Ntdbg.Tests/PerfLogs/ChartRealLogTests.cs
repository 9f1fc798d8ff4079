using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ntdbg.Charts.PerfLogs;
using Ntdbg.Cli.PerfLog;
using Ntdbg.Formats.PerfLogs;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Chart and report of a real perfmon .blg (PAL's SampleLog.blg) through the CLI verbs and the real reader.</summary>
public class ChartRealLogTests
{
    private const string Blg = "perf/SampleLog.blg";

    private static string LogPath => Path.Combine(TestData.SharedRoot!, Blg);

    [SharedDataFact(Blg)]
    public void Chart_of_a_real_blg_draws_each_pool_counter_over_the_logs_clock()
    {
        var dir = PerfLogSamples.OutputFolder(nameof(Chart_of_a_real_blg_draws_each_pool_counter_over_the_logs_clock));
        string svgFile = Path.Combine(dir, "pool.svg");
        var output = new StringWriter();
        var error = new StringWriter();
        int rc = PerfLogCommand.Run(["chart", LogPath, "--counter", @"\Memory\Pool Paged Bytes", @"\Memory\Pool Nonpaged Bytes", "-o", svgFile], output, error);
        Assert.True(rc == 0, error.ToString());
        Assert.Equal(0, PerfLogCommand.Run(["chart", LogPath, "--counter", @"\Memory\Pool Paged Bytes", "-o", Path.Combine(dir, "pool.png")], TextWriter.Null, error));

        var log = PerfLogFile.Read(LogPath, new CounterSelector([@"\Memory\Pool Paged Bytes", @"\Memory\Pool Nonpaged Bytes"]));
        var svg = XDocument.Load(svgFile);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value.Trim()).ToList();
        foreach (var s in log.Series) Assert.Contains(s.Path.ToString(), texts);
        Assert.Contains($"Time ({log.TimeZone})", texts);

        // One data line per counter, with one vertex per sample holding a value.
        var dataPaths = svg.Descendants().Where(e => e.Name.LocalName == "path")
            .Where(p => CounterChart.Palette.Contains(((string?)p.Attribute("stroke") ?? "").ToUpperInvariant()))
            .Select(p => (string?)p.Attribute("d") ?? "").Where(d => Regex.Matches(d, "[ML]").Count > 2).ToList();
        Assert.Equal(log.Series.Count, dataPaths.Count);
        Assert.Equal(log.Series.Select(s => s.Values.Count(v => !double.IsNaN(v))).Order(),
            dataPaths.Select(d => Regex.Matches(d, "[ML]").Count).Order());

        // Clock ticks fall within the log's first and last sample (the axis spans the log exactly).
        var clock = texts.Where(t => Regex.IsMatch(t, @"^\d{2}:\d{2}(:\d{2})?$"))
            .Select(t => TimeSpan.Parse(t, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(clock);
        Assert.All(clock, t => Assert.InRange(t, log.Timestamps[0].TimeOfDay - TimeSpan.FromSeconds(1), log.Timestamps[^1].TimeOfDay));
    }

    [SharedDataFact(Blg)]
    public void Report_of_a_real_blg_summarises_the_log_the_reader_returns()
    {
        var dir = PerfLogSamples.OutputFolder(nameof(Report_of_a_real_blg_summarises_the_log_the_reader_returns));
        string html = Path.Combine(dir, "report.html");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PerfLogCommand.Run(["report", LogPath, "-o", html], output, error) == 0, error.ToString());

        var log = PerfLogFile.Read(LogPath);
        string text = File.ReadAllText(html);
        var leak = Ntdbg.Analyses.PerfLeak.PerfLeakAnalysis.Run(log, new Ntdbg.Analyses.PerfLeak.PerfLeakOptions());
        Assert.Contains($"{log.Series.Count} counter(s), 2 charted, {log.Timestamps.Count} sample(s), leak verdict: {LeakVerdictHtml.Overall(leak)}", output.ToString());
        foreach (var c in leak.Counters)
            foreach (var reason in c.Reasons) Assert.Contains(System.Net.WebUtility.HtmlEncode(reason), text);
        foreach (var machine in log.Machines) Assert.Contains($"<td>{machine}</td>", text);
        Assert.Contains($"<td>{log.TimeZone} (UTC", text);
        Assert.Contains($"<td>{log.Timestamps[0]:yyyy-MM-dd HH:mm:ss}</td>", text);
        Assert.Contains($"<td>{(log.Timestamps[^1] - log.Timestamps[0]):hh\\:mm\\:ss}</td>", text);
        Assert.Equal(log.Series.Count, Regex.Matches(text, "<tr><td>").Count); // every counter has a row (the log's rows start with <th>)
    }
}
