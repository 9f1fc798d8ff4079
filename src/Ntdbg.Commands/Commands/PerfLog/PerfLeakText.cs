using System.Globalization;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Analyses.Trends;

namespace Ntdbg.Commands.Commands.PerfLog;

/// <summary>
/// `ntdbg perflog leak` as text: the log, RAM and load counters; per pool counter the verdict with
/// its reasons, growth per hour, peak (and share of RAM), the pool maximum and time to reach it,
/// then each boot segment and the time notes.
/// </summary>
public sealed class PerfLeakText : Rendering.Text.TextRenderer<PerfLeakReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    protected override void Render(PerfLeakReport r, TextWriter o)
    {
        o.WriteLine($"log:       {r.Source}");
        if (r.Machines.Count > 0) o.WriteLine($"machine:   {string.Join(", ", r.Machines)}");
        o.WriteLine($"samples:   {r.Samples}" + (r.First is { } f && r.Last is { } l ? string.Create(Inv, $" from {f:yyyy-MM-dd HH:mm:ss} to {l:yyyy-MM-dd HH:mm:ss}") : "") + (r.TimeZone != null ? $" ({r.TimeZone})" : ""));
        o.WriteLine($"RAM:       {(r.RamBytes is double ram ? LeakTest.Num(ram) : "unknown")} [{r.RamSource}]");
        o.WriteLine($"load:      {(r.LoadCounters.Count > 0 ? string.Join(", ", r.LoadCounters) : "none of the load counters in the log")}");
        foreach (var missing in r.NotFound) o.WriteLine($"not found: {missing}");
        foreach (var c in r.Counters) Counter(c, o);
    }

    private static void Counter(CounterLeakFinding c, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine(c.Counter);
        o.WriteLine($"  verdict:   {Verdict(c.Verdict)}");
        foreach (var reason in c.Reasons) o.WriteLine($"    - {reason}");
        o.WriteLine($"  growth:    {(c.GrowthPerHour is double g ? (g >= 0 ? "+" : "-") + LeakTest.Num(Math.Abs(g)) + " per hour" : "n/a")}");
        string share = c.PeakShareOfRam is double s ? string.Create(Inv, $", {s:P0} of RAM") : "";
        o.WriteLine($"  peak:      {(c.PeakBytes is double p ? LeakTest.Num(p) : "n/a")}{share}" + (c.PeakTime is { } t ? string.Create(Inv, $" at {t:yyyy-MM-dd HH:mm:ss}") : ""));
        o.WriteLine($"  maximum:   {(c.MaximumBytes is double m ? LeakTest.Num(m) : "unknown")} [{c.MaximumSource}]");
        // A projection only means something for a leak; the JSON carries it either way.
        if (c.HoursToMaximum is double h && c.Verdict == LeakVerdict.Leak)
            o.WriteLine(string.Create(Inv, $"  reaches it in about {Duration(h)} at the current growth"));
        if (c.Segments.Count > 1)
            foreach (var seg in c.Segments)
                o.WriteLine(string.Create(Inv, $"  boot segment {seg.First:MM-dd HH:mm}–{seg.Last:MM-dd HH:mm}: {seg.Samples} samples, {Verdict(seg.Verdict)}, ")
                    + (seg.GrowthPerHour is double sg ? $"{LeakTest.Num(sg)}/h" : "n/a"));
        foreach (var note in c.TimeNotes) o.WriteLine($"  note:      {note}");
    }

    public static string Verdict(LeakVerdict v) => v switch
    {
        LeakVerdict.Leak => "LEAK (rises and never falls back)",
        LeakVerdict.LoadRelated => "load-related (rises and falls back)",
        LeakVerdict.Stable => "stable (no material growth)",
        _ => "inconclusive",
    };

    private static string Duration(double hours) =>
        hours < 1 ? $"{hours * 60:0} min" : hours < 48 ? $"{hours:0.#} h" : $"{hours / 24:0.#} days";
}
