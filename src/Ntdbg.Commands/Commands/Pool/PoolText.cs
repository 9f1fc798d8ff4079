namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// WinDbg's !pool layout: "Pool page X region is ..." then one line per block ("*" before the
/// block holding the address and before its tag), the starred block's pooltag.txt line, or the
/// one-line "large page allocation" form for a big allocation.
/// </summary>
public sealed class PoolText : Rendering.Text.TextRenderer<PoolResult>
{
    protected override void Render(PoolResult r, TextWriter o)
    {
        if (r.BigAllocation is { } big)
        {
            o.WriteLine($"*{Address(big.Address)} : large page allocation, tag is {big.TagText}, size is 0x{big.Size:x} bytes");
            Description(r, big, o);
        }
        else
        {
            if (r.NotLargeAllocation) o.WriteLine($"{Address(r.Address)} is not a valid large pool allocation, checking large session pool...");
            if (r.Page is { } page)
            {
                o.WriteLine($"Pool page {Address(r.Address)} region is {page.Region}");
                foreach (var c in page.Chunks)
                {
                    bool starred = ReferenceEquals(c, r.Target);
                    if ((r.Flags & PoolResult.OnlyTargetFlag) != 0 && !starred) continue;
                    o.WriteLine(ChunkLine(c, starred));
                    if (starred) Description(r, c, o);
                }
                if (r.Target == null) o.WriteLine($"{Address(r.Address)} is not inside any block of the page's chain");
            }
        }
        foreach (var n in r.Notes) o.WriteLine(n);
    }

    /// <summary>" fffffa8003d5e150 size:   60 previous size:  150  (Allocated) *Leak (Protected)" (sizes in hex).</summary>
    public static string ChunkLine(PoolChunk c, bool starred)
    {
        string mark = starred ? "*" : " ";
        return $"{mark}{Block(c, mark)}";
    }

    /// <summary>A block as !poolfind lists it: "fffffa8003d5e150 size:   60 previous size:  150  (Allocated) Leak".</summary>
    public static string FoundLine(PoolChunk c) => Block(c, "");

    private static string Block(PoolChunk c, string tagMark) =>
        $"{Address(c.Address)} size: {c.Size,4:x} previous size: {c.PreviousSize,4:x}  {(c.Allocated ? "(Allocated)" : "(Free)"),-11} {tagMark}{c.TagText}{(c.Protected ? " (Protected)" : "")}";

    private static void Description(PoolResult r, PoolChunk c, TextWriter o)
    {
        if (r.Description != null) o.WriteLine($"\t\tPooltag {c.TagText} : {r.Description}");
    }

    // WinDbg's extensions print pool addresses as plain hex without the ` separator.
    private static string Address(ulong a) => a > uint.MaxValue ? a.ToString("x16") : a.ToString("x8");
}
