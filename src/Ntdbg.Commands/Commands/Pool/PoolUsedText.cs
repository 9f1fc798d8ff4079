namespace Ntdbg.Commands.Commands.Pool;

/// <summary>WinDbg's !poolused layout: sort line, the NonPaged/Paged column header (widths of the seed's `!poolused /t5 2`), one row per tag, TOTAL.</summary>
public sealed class PoolUsedText : Rendering.Text.TextRenderer<PoolUsedResult>
{
    protected override void Render(PoolUsedResult r, TextWriter o)
    {
        o.WriteLine(r.Sort switch
        {
            PoolUsedSort.NonPagedBytes => " Sorting by NonPaged Pool Consumed",
            PoolUsedSort.PagedBytes => " Sorting by Paged Pool Consumed",
            _ => " Sorting by Tag",
        });
        o.WriteLine();
        o.WriteLine($" {"NonPaged",27}{"Paged",24}");
        o.WriteLine($" Tag {"Allocs",10}{"Used",13}{"Allocs",11}{"Used",13}");
        o.WriteLine();
        foreach (var t in r.Tags)
            o.WriteLine($" {t.Tag}{t.NonPagedAllocs,10}{t.NonPagedBytes,13}{t.PagedAllocs,11}{t.PagedBytes,13}    {Describe(t)}");
        o.WriteLine();
        o.WriteLine($" TOTAL{r.TotalNonPagedAllocs,10}{r.TotalNonPagedBytes,13}{r.TotalPagedAllocs,11}{r.TotalPagedBytes,13}");
        foreach (var n in r.Notes) o.WriteLine("\t" + n);
    }

    // Hook for the pooltag.txt database: until it is wired in, every tag is reported unknown as WinDbg does.
    private static string Describe(PoolTagUsage t) => t.Description ?? $"UNKNOWN pooltag '{t.Tag}', please update pooltag.txt";
}
