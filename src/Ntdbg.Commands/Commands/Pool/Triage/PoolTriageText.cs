using System.Globalization;
using Ntdbg.Analyses.Pool;
using Ntdbg.Commands.Commands.Pool.FindTag;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Pool.Triage;

/// <summary>
/// `ntdbg triage pool` as text: the machine and both pools, the verdict, each pool's top tags
/// (`!poolused`'s columns), then per suspect tag the drivers using it with the allocating code,
/// what could not be searched, the next steps and the notes.
/// </summary>
public sealed class PoolTriageText : Rendering.Text.TextRenderer<PoolTriageReport>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    protected override void Render(PoolTriageReport r, TextWriter o)
    {
        o.WriteLine($"dump:      {r.DumpPath}");
        if (r.DriversFolder != null) o.WriteLine($"drivers:   {r.DriversFolder}");
        o.WriteLine($"RAM:       {PoolTriageRules.Kb(r.PhysicalMemoryBytes)}");
        Pool(r.NonPaged, o);
        Pool(r.Paged, o);
        o.WriteLine($"verdict:   {r.Verdict.Summary}");
        Ranking("NonPaged", r.TopNonPaged, o);
        Ranking("Paged", r.TopPaged, o);
        foreach (var s in r.Suspects) Suspect(s, r.PointerSize, o);
        o.WriteLine("next steps:");
        for (int i = 0; i < r.NextSteps.Count; i++) o.WriteLine($"  {i + 1}. {r.NextSteps[i]}");
        foreach (var n in r.Notes) o.WriteLine($"note:      {n}");
    }

    private static void Pool(PoolFigures f, TextWriter o)
    {
        string name = (PoolTriageRules.Name(f.Pool) + ":").PadRight(11);
        string max = f.MaximumBytes != null ? $" of max {PoolTriageRules.Kb(f.MaximumBytes)} ({PoolTriageRules.Percent(f.ShareOfMaximum)})" : "";
        string ram = f.ShareOfRam != null ? $", {PoolTriageRules.Percent(f.ShareOfRam)} of RAM" : "";
        o.WriteLine($"{name}{PoolTriageRules.Kb(f.UsedBytes)}{max}{ram} [{f.UsedSource}]; tagged {PoolTriageRules.Kb(f.TaggedBytes)}{(f.Excessive ? "  EXCESSIVE" : "")}");
    }

    private static void Ranking(string pool, IReadOnlyList<PoolTagRank> ranks, TextWriter o)
    {
        o.WriteLine($"top {pool} tags:");
        if (ranks.Count == 0) o.WriteLine("  (none)");
        foreach (var t in ranks)
            o.WriteLine(string.Format(Inv, "  {0,2}. {1} {2,9} allocs {3,14} bytes {4,6} of the pool {5,6} of RAM  {6}",
                t.Rank, t.Tag, t.Allocations, t.Bytes, PoolTriageRules.Percent(t.ShareOfPool), PoolTriageRules.Percent(t.ShareOfRam), t.Description ?? ""));
    }

    private static void Suspect(PoolTagSuspect s, int pointerSize, TextWriter o)
    {
        var t = s.Rank;
        o.WriteLine($"suspect '{t.Tag}' ({PoolTriageRules.Name(s.Pool)}): {t.Bytes.ToString("N0", Inv)} bytes in {t.Allocations.ToString("N0", Inv)} allocations, " +
            $"{PoolTriageRules.Percent(t.ShareOfPool)} of the pool's tagged bytes, {PoolTriageRules.Percent(t.ShareOfRam)} of RAM" +
            (s.ExcessiveForRam ? $": excessive for this machine's RAM (a tag above {PoolTriageRules.Percent(PoolTriageRules.TagRamShare)})" : ""));
        o.WriteLine($"  searched {s.ModulesScanned} module image(s) in the dump{(s.FilesScanned > 0 ? $" and {s.FilesScanned} file(s) under --drivers" : "")}");
        if (s.Drivers.Count == 0) o.WriteLine("  no driver found using the tag");
        string Where(PoolTagSource source, ulong address, uint rva) => source == PoolTagSource.Dump ? Hex.Pointer(address, pointerSize) : $"+0x{rva:x}";
        foreach (var d in s.Drivers)
        {
            string seen = d.InDump && d.OnDisk ? "in the dump and under --drivers" : d.InDump ? "in the dump" : "under --drivers";
            string role = d.Allocations.Count > 0 ? $"allocates with '{t.Tag}'" : d.OtherCode.Count > 0 ? $"uses '{t.Tag}' in code" : $"holds '{t.Tag}' as data";
            o.WriteLine($"  {d.Module}: {role} ({seen})");
            foreach (var h in d.Allocations.Concat(d.OtherCode))
                o.WriteLine($"    {(h.Source == PoolTagSource.Dump ? "dump" : "file")} {PoolFindTagText.CodeLine(h, a => h.Source == PoolTagSource.Dump ? Hex.Pointer(a, pointerSize) : $"+0x{a:x}")}");
            foreach (var h in d.Data)
                o.WriteLine($"    {(h.Source == PoolTagSource.Dump ? "dump" : "file")} data {h.Section} {Where(h.Source, h.Address, h.Rva)}");
        }
        foreach (var u in s.Unscanned) o.WriteLine($"  not searched: {u}");
    }
}
