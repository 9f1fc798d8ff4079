using System.Globalization;
using System.Net;
using System.Text;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Analyses.Trends;
using Ntdbg.Commands.Commands.PerfLog;

namespace Ntdbg.Charts.PerfLogs;

/// <summary>
/// The report's leak verdict section from <see cref="PerfLeakAnalysis"/>'s typed result: per pool
/// counter the verdict (worded as `perflog leak` words it), its reasons, growth per hour, peak and
/// share of RAM, the pool maximum with where it came from, and the projected time to reach it.
/// </summary>
public static class LeakVerdictHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Append(StringBuilder html, PerfLeakReport? leak)
    {
        if (leak == null)
        {
            html.Append("<section id=\"leak-verdict\" class=\"missing\">\n<h2>Leak verdict: MISSING</h2>\n")
                .Append("<p>No leak analysis was run for this report, so no verdict is given.</p>\n</section>\n");
            return;
        }
        var overall = Overall(leak);
        html.Append("<section id=\"leak-verdict\" class=\"verdict ").Append(Class(overall)).Append("\">\n<h2>Leak verdict: ")
            .Append(E(overall is { } v ? PerfLeakText.Verdict(v) : "none (no pool counter in the log)")).Append("</h2>\n");
        html.Append("<p>RAM: ").Append(E(leak.RamBytes is double ram ? LeakTest.Num(ram) : "unknown")).Append(" [").Append(E(leak.RamSource)).Append("]. ")
            .Append("Load counters compared: ").Append(E(leak.LoadCounters.Count > 0 ? string.Join(", ", leak.LoadCounters) : "none in the log")).Append(".</p>\n");
        foreach (var missing in leak.NotFound) html.Append("<p class=\"note\">Not in the log: ").Append(E(missing)).Append("</p>\n");
        foreach (var c in leak.Counters) Counter(html, c);
        html.Append("</section>\n");
    }

    /// <summary>The headline: a leak in any counter wins, then an open question (inconclusive), then load-related, then stable.</summary>
    public static LeakVerdict? Overall(PerfLeakReport leak)
    {
        if (leak.Counters.Count == 0) return null;
        foreach (var v in new[] { LeakVerdict.Leak, LeakVerdict.Inconclusive, LeakVerdict.LoadRelated, LeakVerdict.Stable })
            if (leak.Counters.Any(c => c.Verdict == v)) return v;
        return LeakVerdict.Inconclusive;
    }

    private static void Counter(StringBuilder html, CounterLeakFinding c)
    {
        html.Append("<div class=\"finding ").Append(Class(c.Verdict)).Append("\">\n<h3>").Append(E(c.Counter)).Append(": ")
            .Append(E(PerfLeakText.Verdict(c.Verdict))).Append("</h3>\n<ul class=\"reasons\">\n");
        foreach (var reason in c.Reasons) html.Append("<li>").Append(E(reason)).Append("</li>\n");
        html.Append("</ul>\n<table>\n");
        Row(html, "Growth", c.GrowthPerHour is double g ? (g >= 0 ? "+" : "-") + LeakTest.Num(Math.Abs(g)) + " per hour" : "n/a");
        Row(html, "Peak", (c.PeakBytes is double p ? LeakTest.Num(p) : "n/a")
            + (c.PeakShareOfRam is double s ? string.Create(Inv, $", {s:P0} of RAM") : "")
            + (c.PeakTime is { } t ? string.Create(Inv, $" at {t:yyyy-MM-dd HH:mm:ss}") : ""));
        Row(html, "Maximum", $"{(c.MaximumBytes is double m ? LeakTest.Num(m) : "unknown")} [{c.MaximumSource}]");
        if (c.HoursToMaximum is double h)
            Row(html, "Reaches it in", string.Create(Inv, $"about {Duration(h)} at the current growth") + (c.Verdict == LeakVerdict.Leak ? "" : " (not a leak: a projection only)"));
        foreach (var seg in c.Segments.Count > 1 ? c.Segments : [])
            Row(html, string.Create(Inv, $"Boot segment {seg.First:MM-dd HH:mm}–{seg.Last:MM-dd HH:mm}"),
                $"{seg.Samples} samples, {PerfLeakText.Verdict(seg.Verdict)}, " + (seg.GrowthPerHour is double sg ? $"{LeakTest.Num(sg)}/h" : "n/a"));
        foreach (var note in c.TimeNotes) Row(html, "Note", note);
        html.Append("</table>\n</div>\n");
    }

    private static string Class(LeakVerdict? v) => v switch
    {
        LeakVerdict.Leak => "leak",
        LeakVerdict.LoadRelated => "load-related",
        LeakVerdict.Stable => "stable",
        LeakVerdict.Inconclusive => "inconclusive",
        _ => "none",
    };

    private static string Duration(double hours) =>
        hours < 1 ? $"{hours * 60:0} min" : hours < 48 ? $"{hours:0.#} h" : $"{hours / 24:0.#} days";

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
