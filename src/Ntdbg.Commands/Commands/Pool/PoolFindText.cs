namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// WinDbg's !poolfind layout: the big page table's scan line and one line per big allocation,
/// then the small-pool search line and one block line per hit (as !pool prints blocks).
/// </summary>
public sealed class PoolFindText : Rendering.Text.TextRenderer<PoolFindResult>
{
    protected override void Render(PoolFindResult r, TextWriter o)
    {
        string what = r.TagValue is uint v ? $"tag 0x{v:x8} ({PoolTrackTableReader.TagText(v & 0x7fffffff)})"
            : r.Tag.Contains('*') || r.Tag.Contains('?') ? $"tag {r.Tag}" : $"tag 0x{TagKey(r.Tag):x8} ({r.Tag})";
        if (r.BigTableStart is ulong start && r.BigTableEnd is ulong end)
        {
            o.WriteLine($"Scanning large pool allocation table for {what} ({Address(start)} : {Address(end)})");
            o.WriteLine();
            foreach (var c in r.BigAllocations)
                o.WriteLine($"{Address(c.Address)} : tag {c.TagText}, size 0x{c.Size:x}, {(c.Paged ? "Paged" : "Nonpaged")} pool");
        }
        if (r.SmallPoolSearched)
        {
            o.WriteLine();
            o.WriteLine($"Searching {(r.Pool == PoolFindPool.Paged ? "Paged" : "NonPaged")} pool for {what}");
            o.WriteLine();
            foreach (var c in r.Blocks) o.WriteLine(PoolText.FoundLine(c));
        }
        foreach (var n in r.Notes) o.WriteLine(n);
    }

    // The tag as the kernel stores it: four ASCII bytes read as a little-endian ULONG, short tags space-padded.
    private static uint TagKey(string tag)
    {
        var b = System.Text.Encoding.Latin1.GetBytes(tag.PadRight(4)[..4]);
        return BitConverter.ToUInt32(b);
    }

    private static string Address(ulong a) => a > uint.MaxValue ? a.ToString("x16") : a.ToString("x8");
}
