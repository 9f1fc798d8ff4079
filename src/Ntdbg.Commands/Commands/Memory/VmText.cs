using System.Globalization;

namespace Ntdbg.Commands.Commands.Memory;

/// <summary>
/// `!vm` in WinDbg's layout: a tab, the label padded to 19 columns, the pages in 9 and the size
/// in KB in 10 ("Physical Memory:      403854 (   1615416 Kb)"). Unavailable counters say why
/// instead of printing a number.
/// </summary>
public sealed class VmText : Rendering.Text.TextRenderer<VmResult>
{
    public const string Excessive = "********** Excessive NonPaged Pool Usage *****";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    protected override void Render(VmResult r, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine("*** Virtual Memory Usage ***");
        foreach (var c in r.Counters)
        {
            o.WriteLine("\t" + Line(c));
            if (c.Label == VmCounterReader.PhysicalMemory) PageFiles(r, o);
            if (c.Label == VmCounterReader.NonPagedPoolMax && r.ExcessiveNonPagedPoolUsage) o.WriteLine("\t" + Excessive);
        }
        foreach (var n in r.Notes) o.WriteLine("\t" + n);
    }

    public static string Line(VmCounter c) =>
        c.Pages is ulong p
            ? string.Format(Inv, "{0,-19}{1,9} ({2,10} Kb)", c.Label + ":", p, p * 4)
            : string.Format(Inv, "{0,-19} unavailable: {1}", c.Label + ":", c.Unavailable);

    private static void PageFiles(VmResult r, TextWriter o)
    {
        if (r.PageFilesUnavailable != null) o.WriteLine($"\tPage File: unavailable: {r.PageFilesUnavailable}");
        foreach (var f in r.PageFiles)
        {
            o.WriteLine($"\tPage File: {f.Name ?? "?"}");
            o.WriteLine($"\t  Current: {Kb(f.CurrentPages, 9)} Kb  Free Space: {Kb(f.FreePages, 9)} Kb");
            o.WriteLine($"\t  Minimum: {Kb(f.MinimumPages, 9)} Kb  Maximum:    {Kb(f.MaximumPages, 9)} Kb");
        }
    }

    private static string Kb(ulong? pages, int width) => (pages is ulong p ? (p * 4).ToString(Inv) : "?").PadLeft(width);
}
