using System.Globalization;

namespace Ntdbg.Commands.Commands.Pool.Triage;

/// <summary>The figures the rules read, in pages (as `!vm` reports them) and per-tag bytes; null when the dump lacks one.</summary>
public sealed record PoolMachineFigures(
    ulong? PhysicalPages,
    ulong? NonPagedUsedPages,
    ulong? NonPagedMaxPages,
    ulong? PagedUsedPages,
    ulong? PagedMaxPages,
    IReadOnlyList<PoolTagUsage> Tags);

/// <summary>What the rules conclude: each pool's figures, the verdict, each pool's ranking and the suspect tags.</summary>
public sealed record PoolAssessment(
    PoolFigures NonPaged,
    PoolFigures Paged,
    PoolTriageVerdict Verdict,
    IReadOnlyList<PoolTagRank> TopNonPaged,
    IReadOnlyList<PoolTagRank> TopPaged,
    IReadOnlyList<PoolTagRank> Suspects);

/// <summary>
/// The seed's reasoning ("Troubleshooting Pool Leaks" parts 1–3) as rules over the dump's figures:
/// a pool is excessive when its usage passes four fifths of its maximum (the debugger's own
/// "Excessive NonPaged Pool Usage" rule) or a quarter of the machine's RAM (part 1: 540 MB of
/// nonpaged pool on a 1 GB machine "is consuming a large amount of RAM"; a healthy machine's pools
/// hold a few percent). The problem pool's largest tag is the suspect (part 2: "typically the tag
/// with the largest usage in bytes is the cause of the leak"), with any other tag holding a tenth
/// of the pool; a tag holding a tenth of RAM is excessive for the machine on its own.
/// </summary>
public static class PoolTriageRules
{
    public const double MaximumShare = 0.8;
    public const double RamShare = 0.25;
    public const double SuspectShareOfPool = 0.10;
    public const double TagRamShare = 0.10;
    public const int MaxSuspects = 3;
    public const ulong PageSize = 0x1000;

    public static PoolAssessment Assess(PoolMachineFigures m, int top)
    {
        ulong? ram = m.PhysicalPages * PageSize;
        var nonPaged = Figures(PoolKind.NonPaged, m.NonPagedUsedPages, m.NonPagedMaxPages, ram, m.Tags.Aggregate(0UL, (a, t) => a + t.NonPagedBytes));
        var paged = Figures(PoolKind.Paged, m.PagedUsedPages, m.PagedMaxPages, ram, m.Tags.Aggregate(0UL, (a, t) => a + t.PagedBytes));
        var rankNonPaged = Rank(m.Tags, PoolKind.NonPaged, nonPaged.TaggedBytes, ram);
        var rankPaged = Rank(m.Tags, PoolKind.Paged, paged.TaggedBytes, ram);

        PoolKind? problem = (nonPaged.Excessive, paged.Excessive) switch
        {
            (true, true) => (nonPaged.ShareOfRam ?? 0) >= (paged.ShareOfRam ?? 0) ? PoolKind.NonPaged : PoolKind.Paged,
            (true, false) => PoolKind.NonPaged,
            (false, true) => PoolKind.Paged,
            _ => null,
        };
        ulong TopBytes(List<PoolTagRank> r) => r.Count > 0 ? r[0].Bytes : 0;
        var examined = problem ?? (TopBytes(rankPaged) > TopBytes(rankNonPaged) ? PoolKind.Paged : PoolKind.NonPaged);
        var ranking = examined == PoolKind.NonPaged ? rankNonPaged : rankPaged;
        var suspects = ranking.Where((r, i) => r.Bytes > 0 && (i == 0 || r.ShareOfPool >= SuspectShareOfPool)).Take(MaxSuspects).ToList();
        string summary = problem switch
        {
            PoolKind p => $"{Name(p)} pool usage is excessive: {string.Join("; ", (p == PoolKind.NonPaged ? nonPaged : paged).Reasons)}",
            null when nonPaged.UsedBytes == null && paged.UsedBytes == null => "the dump holds neither pool's usage: no verdict on the pools",
            null => $"neither pool looks excessive ({Describe(nonPaged)}; {Describe(paged)}); the {Name(examined).ToLowerInvariant()} pool's largest tag is examined",
        };
        return new PoolAssessment(nonPaged, paged, new PoolTriageVerdict(problem, examined, summary),
            [.. rankNonPaged.Take(top)], [.. rankPaged.Take(top)], suspects);
    }

    public static string Name(PoolKind pool) => pool == PoolKind.NonPaged ? "NonPaged" : "Paged";

    /// <summary>A tag holding <see cref="TagRamShare"/> of RAM or more.</summary>
    public static bool ExcessiveForRam(PoolTagRank rank) => rank.ShareOfRam >= TagRamShare;

    private static PoolFigures Figures(PoolKind pool, ulong? usedPages, ulong? maxPages, ulong? ram, ulong tagged)
    {
        // Without the memory manager's counter, the tag table's sum is the best measure the dump has.
        ulong? used = usedPages is ulong u ? u * PageSize : tagged > 0 ? tagged : null;
        string source = usedPages != null ? $"!vm {Name(pool)}Pool Usage" : "sum of the pool tag table";
        ulong? max = maxPages * PageSize;
        double? ofMax = used is ulong a && max is ulong b && b > 0 ? (double)a / b : null;
        double? ofRam = used is ulong c && ram is ulong r && r > 0 ? (double)c / r : null;
        var reasons = new List<string>();
        if (ofMax > MaximumShare)
            reasons.Add($"{Kb(used)} is {Percent(ofMax)} of its maximum {Kb(max)} (more than {Percent(MaximumShare)}: the debugger's Excessive {Name(pool)} Pool Usage rule)");
        if (ofRam > RamShare)
            reasons.Add($"{Kb(used)} is {Percent(ofRam)} of the machine's {Kb(ram)} of RAM (more than {Percent(RamShare)})");
        return new PoolFigures(pool, used, source, max, ofMax, ofRam, tagged, reasons.Count > 0, reasons);
    }

    private static List<PoolTagRank> Rank(IReadOnlyList<PoolTagUsage> tags, PoolKind pool, ulong tagged, ulong? ram)
    {
        ulong Bytes(PoolTagUsage t) => pool == PoolKind.NonPaged ? t.NonPagedBytes : t.PagedBytes;
        return [.. tags.Where(t => Bytes(t) > 0)
            .OrderByDescending(Bytes).ThenBy(t => t.Tag, StringComparer.Ordinal)
            .Select((t, i) => new PoolTagRank(i + 1, t.Tag, Bytes(t), pool == PoolKind.NonPaged ? t.NonPagedAllocs : t.PagedAllocs,
                tagged > 0 ? (double)Bytes(t) / tagged : 0, ram is ulong r && r > 0 ? (double)Bytes(t) / r : null, t.Description))];
    }

    private static string Describe(PoolFigures f) =>
        f.UsedBytes == null ? $"{Name(f.Pool)}: usage unknown"
        : $"{Name(f.Pool)} {Kb(f.UsedBytes)}{(f.ShareOfMaximum is double m ? $", {Percent(m)} of its maximum" : "")}{(f.ShareOfRam is double r ? $", {Percent(r)} of RAM" : "")}";

    public static string Kb(ulong? bytes) => bytes is ulong b ? (b / 1024).ToString("N0", CultureInfo.InvariantCulture) + " KB" : "?";

    public static string Percent(double? share) => share switch
    {
        null => "?",
        > 0 and < 0.0005 => "<0.1%", // not 0%: the tag does hold memory
        double s => (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",
    };
}
