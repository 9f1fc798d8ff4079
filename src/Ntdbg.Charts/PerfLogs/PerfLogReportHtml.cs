using System.Globalization;
using System.Net;
using System.Text;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Commands.Commands.PerfLog;

namespace Ntdbg.Charts.PerfLogs;

/// <summary>
/// The perflog report as one self-contained HTML file: the log's summary, the chart as inline SVG
/// and the leak verdict with its reasons. Nothing is fetched when it is opened (no scripts, no
/// external style sheets, fonts or images), so it can be attached to a ticket as it is.
/// </summary>
public static class PerfLogReportHtml
{
    /// <param name="leak">The leak analysis' result; null renders the verdict section as plainly missing.</param>
    public static string Render(PerfLogSummary summary, CounterChart chart, PerfLeakReport? leak, string? title = null)
    {
        var html = new StringBuilder();
        string heading = title ?? $"Performance log report: {Path.GetFileName(summary.Source)}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>").Append(E(heading)).Append("</title>\n");
        html.Append("<style>\nbody{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222}\n")
            .Append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n")
            .Append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
            .Append(".missing{border:2px dashed #b00;background:#fff4f4;padding:8px 12px}\n")
            .Append(".verdict{border:2px solid #888;padding:4px 12px}.verdict.leak{border-color:#b00;background:#fff4f4}\n")
            .Append(".verdict.stable,.verdict.load-related{border-color:#2a7}.finding h3{margin:12px 0 4px}\n")
            .Append(".chart svg{max-width:100%;height:auto}\n</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(heading)).Append("</h1>\n");
        LeakVerdictHtml.Append(html, leak); // the answer first, the evidence below it
        html.Append("<section id=\"chart\" class=\"chart\">\n<h2>Counters over time</h2>\n")
            .Append(InlineSvg(chart.ToSvg())).Append("\n</section>\n");
        AppendSummary(html, summary);
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, PerfLogSummary s)
    {
        html.Append("<section id=\"summary\">\n<h2>Log</h2>\n<table>\n");
        Row(html, "Source", s.Source);
        Row(html, "Machine", s.Machines.Count > 0 ? string.Join(", ", s.Machines) : "(not named by the counter paths)");
        string zone = (s.TimeZone, s.UtcOffset) switch
        {
            (null, null) => "(not recorded by the log; times are its local clock)",
            (null, { } offset) => offset,
            ({ } name, null) => name,
            ({ } name, { } offset) => $"{name} ({offset})",
        };
        Row(html, "Time zone", zone);
        Row(html, "First sample", s.First?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "(none)");
        Row(html, "Last sample", s.Last?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "(none)");
        Row(html, "Span", s.Span is { } span ? FormatSpan(span) : "(none)");
        Row(html, "Samples", s.Samples.ToString("N0", CultureInfo.InvariantCulture));
        html.Append("</table>\n<h2>Counters</h2>\n<table>\n<tr><th>Counter</th><th>Samples with a value</th><th>Missing</th><th>First</th><th>Last</th><th>Min</th><th>Max</th></tr>\n");
        foreach (var c in s.Counters)
        {
            html.Append("<tr><td>").Append(E(c.Path.ToString())).Append("</td>");
            Num(html, c.Valued); Num(html, c.Missing);
            Num(html, c.First); Num(html, c.Last); Num(html, c.Min); Num(html, c.Max);
            html.Append("</tr>\n");
        }
        html.Append("</table>\n</section>\n");
    }

    /// <summary>The SVG document without its XML declaration, ready to sit inside HTML.</summary>
    public static string InlineSvg(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span:hh\\:mm\\:ss}" : span.ToString("hh\\:mm\\:ss", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static void Num(StringBuilder html, double? value) =>
        html.Append("<td class=\"num\">").Append(value is { } v ? E(v.ToString("#,0.###", CultureInfo.InvariantCulture)) : "").Append("</td>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
