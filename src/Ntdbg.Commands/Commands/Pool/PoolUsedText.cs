namespace Ntdbg.Commands.Commands.Pool;

/// <summary>WinDbg's !poolused layout: sort line, "Pool Used:", the NonPaged/Paged column header, one row per tag, TOTAL.</summary>
public sealed class PoolUsedText : Rendering.Text.TextRenderer<PoolUsedResult>
{
    protected override void Render(PoolUsedResult r, TextWriter o)
    {
        o.WriteLine(r.Sort switch
        {
            PoolUsedSort.NonPagedBytes => " Sorting by NonPaged Pool Consumed",
            PoolUsedSort.PagedBytes => " Sorting by Paged Pool Consumed",
            _ => "   Sorting by  Tag",
        });
        o.WriteLine();
        o.WriteLine("  Pool Used:");
        o.WriteLine("            NonPaged            Paged");
        o.WriteLine(" Tag    Allocs     Used    Allocs     Used");
        foreach (var t in r.Tags)
            o.WriteLine($" {t.Tag}{t.NonPagedAllocs,9}{t.NonPagedBytes,9}{t.PagedAllocs,10}{t.PagedBytes,9}{Describe(t)}");
        o.WriteLine();
        o.WriteLine($" TOTAL{r.TotalNonPagedAllocs,8}{r.TotalNonPagedBytes,9}{r.TotalPagedAllocs,10}{r.TotalPagedBytes,9}");
        foreach (var n in r.Notes) o.WriteLine("\t" + n);
    }

    // Hook for the pooltag.txt database: until it is wired in, every tag is reported unknown as WinDbg does.
    private static string Describe(PoolTagUsage t) => t.Description ?? $"UNKNOWN pooltag '{t.Tag}', please update pooltag.txt";
}
