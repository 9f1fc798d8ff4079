namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// WinDbg's !poolused layouts: the sort line (" Sorting by Session Tag" for the session pool),
/// then either the summary columns (widths of the seed's `!poolused /t5 2`: Tag, Allocs and Used
/// per pool, the description after four spaces) or, with flag 1, the verbose columns (Allocs,
/// Frees, Diff and Used per pool, the description after a tab, as kdexts prints them), one row
/// per tag, and TOTAL over every tag (its counts one column further right than the rows', as the seed prints them).
/// </summary>
public sealed class PoolUsedText : Rendering.Text.TextRenderer<PoolUsedResult>
{
    protected override void Render(PoolUsedResult r, TextWriter o)
    {
        string session = r.Pool == PoolUsedPool.Session ? "Session " : "";
        o.WriteLine(r.Sort switch
        {
            PoolUsedSort.NonPagedBytes => $" Sorting by {session}NonPaged Pool Consumed",
            PoolUsedSort.PagedBytes => $" Sorting by {session}Paged Pool Consumed",
            _ => $" Sorting by {session}Tag",
        });
        o.WriteLine();
        if (r.Verbose) Verbose(r, o);
        else Summary(r, o);
        foreach (var n in r.Notes) o.WriteLine("\t" + n);
    }

    private static void Summary(PoolUsedResult r, TextWriter o)
    {
        o.WriteLine($" {"NonPaged",23}{"Paged",23}"); // over the columns as the seed prints them
        o.WriteLine($" Tag {"Allocs",10}{"Used",13}{"Allocs",11}{"Used",13}");
        o.WriteLine();
        foreach (var t in r.Tags)
            o.WriteLine($" {t.Tag}{t.NonPagedAllocs,10}{t.NonPagedBytes,13}{t.PagedAllocs,11}{t.PagedBytes,13}    {Describe(t)}");
        o.WriteLine();
        o.WriteLine($" TOTAL{r.TotalNonPagedAllocs,10}{r.TotalNonPagedBytes,13}{r.TotalPagedAllocs,11}{r.TotalPagedBytes,13}");
    }

    private static void Verbose(PoolUsedResult r, TextWriter o)
    {
        o.WriteLine($"{"NonPaged",36}{"Paged",46}");
        o.WriteLine($" Tag{"Allocs",13}{"Frees",12}{"Diff",10}{"Used",13}{"Allocs",13}{"Frees",12}{"Diff",10}{"Used",13}");
        o.WriteLine();
        foreach (var t in r.Tags)
            o.WriteLine($" {t.Tag}{Columns(t.NonPaged, t.Paged)}\t{Describe(t)}");
        o.WriteLine();
        o.WriteLine($"TOTAL{Columns(r.TotalNonPaged, r.TotalPaged)}");
    }

    private static string Columns(PoolTagCounters np, PoolTagCounters p) =>
        $"{np.Allocs,12}{np.Frees,12}{np.Outstanding,10}{np.Bytes,13}{p.Allocs,13}{p.Frees,12}{p.Outstanding,10}{p.Bytes,13}";

    // Tags pooltag.txt does not know get the debugger's request, as WinDbg prints it.
    private static string Describe(PoolTagUsage t) => t.Description ?? $"UNKNOWN pooltag '{t.Tag}', please update pooltag.txt";
}
