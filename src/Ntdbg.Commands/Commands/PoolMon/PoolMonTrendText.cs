using System.Globalization;
using Ntdbg.Analyses.PoolMon;

namespace Ntdbg.Commands.Commands.PoolMon;

/// <summary>
/// `ntdbg poolmon trend` as text: the series, then one line per tag in rank order with its
/// growth, verdict and pooltag.txt description, then the notes and the next command to run.
/// </summary>
public sealed class PoolMonTrendText : Rendering.Text.TextRenderer<PoolMonTrendResult>
{
    protected override void Render(PoolMonTrendResult r, TextWriter o)
    {
        o.WriteLine($"{r.Snapshots.Count} poolmon snapshot(s), {r.TagCount} tag(s); {(r.CanShowGrowth ? $"growth per {r.RateUnit}" : "one snapshot: ranked by Bytes")}");
        for (int i = 0; i < r.Snapshots.Count; i++)
        {
            var s = r.Snapshots[i];
            string time = s.Time is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " " : "";
            string pool = s.PoolNonPagedKb != null || s.PoolPagedKb != null ? $"  Pool N:{s.PoolNonPagedKb}K P:{s.PoolPagedKb}K" : "";
            string restart = r.Resets.Contains(i) ? "  (restarted before this one: a new boot)" : "";
            o.WriteLine($"  {i + 1,3} {time}{Path.GetFileName(s.Source)}:{s.Line} {s.Rows} rows{pool}{restart}");
        }
        o.WriteLine();
        if (r.CanShowGrowth)
        {
            o.WriteLine($" Rank Tag  Type     Bytes/{Unit(r.RateUnit)}    Diff/{Unit(r.RateUnit)}   FirstBytes    LastBytes  Verdict       Description");
            foreach (var t in r.Tags)
                o.WriteLine($" {t.Rank,4} {t.Tag,-4} {t.TypeText,-5} {Signed(t.BytesPerUnit),13} {Signed(t.DiffPerUnit),10} {t.FirstBytes,12} {t.LastBytes,12}  {t.Verdict,-12}  {t.Description}");
            foreach (var t in r.Leaks)
                o.WriteLine($"{t.Tag} ({t.TypeText}): {t.Reason}");
        }
        else
        {
            o.WriteLine(" Rank Tag  Type        Diff        Bytes  Per Alloc  Description");
            foreach (var t in r.Tags)
                o.WriteLine($" {t.Rank,4} {t.Tag,-4} {t.TypeText,-5} {t.LastDiff,10} {t.LastBytes,12} {t.LastPerAlloc,10}  {t.Description}");
        }
        o.WriteLine();
        foreach (var n in r.Notes) o.WriteLine($"note: {n}");
        foreach (var n in r.NextSteps) o.WriteLine($"next: {n}");
    }

    private static string Unit(string unit) => unit == "hour" ? "h" : "snap";

    private static string Signed(double v) => v.ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture);
}
