using Ntdbg.Analyses.Pool;
using Ntdbg.Commands.Commands.Memory;
using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Pool.Triage;

/// <summary>
/// `ntdbg triage pool`: the seed's pool-leak playbook run on one dump. `!vm` gives RAM and each
/// pool's usage and maximum, nt!PoolTrackTable the bytes per tag (as `!poolused 2`/`4`);
/// <see cref="PoolTriageRules"/> decides which pool is the problem and which tags are suspects;
/// each suspect is then looked for in the code of every module image the dump holds and of the
/// files under the drivers folder (`pool findtag`), so the report names the driver and the
/// function that allocates with the tag, and ends with the next steps.
/// </summary>
public static class PoolTriage
{
    public static PoolTriageReport Run(DebugSession session, string? driversFolder, int top = 5)
    {
        var notes = new List<string>();
        var vm = new VmCounterReader(session).Read();
        ulong? Pages(string label)
        {
            var c = vm.Counters.FirstOrDefault(x => x.Label == label);
            if (c?.Pages == null) notes.Add($"!vm {label}: {c?.Unavailable ?? "not read"}");
            return c?.Pages;
        }
        var figures = new PoolMachineFigures(Pages(VmCounterReader.PhysicalMemory), Pages(VmCounterReader.NonPagedPoolUsage),
            Pages(VmCounterReader.NonPagedPoolMax), Pages(VmCounterReader.PagedPoolUsage), Pages(VmCounterReader.PagedPoolMaximum),
            ReadTags(session, notes));
        if (figures.Tags.Count == 0) notes.Add("nt!PoolTrackTable gave no tags: no tag can be ranked or attributed");
        var assessment = PoolTriageRules.Assess(figures, top);
        CompareCounters(assessment.NonPaged, notes);
        CompareCounters(assessment.Paged, notes);

        var suspects = assessment.Suspects
            .Select(rank => Attribute(session, driversFolder, assessment.Verdict.Examined, rank))
            .ToList();
        return new PoolTriageReport(session.Target.Path, driversFolder, figures.PhysicalPages * PoolTriageRules.PageSize,
            assessment.NonPaged, assessment.Paged, assessment.Verdict, assessment.TopNonPaged, assessment.TopPaged, suspects,
            PoolTriageNextSteps.For(assessment.Verdict, suspects, driversFolder != null), notes, session.PointerSize);
    }

    private static List<PoolTagUsage> ReadTags(DebugSession session, List<string> notes)
    {
        var tags = new PoolTrackTableReader(session).Read(notes).Rows;
        if (PoolTagDescriptions.For(session, notes) is { } db)
            tags = [.. tags.Select(t => t with { Description = db.Describe(t.Tag) })];
        return tags;
    }

    // The tag table counts what drivers asked for; the pool's own counter includes headers and
    // rounding. A sum well above the counter means one of the two is stale or misread.
    private static void CompareCounters(PoolFigures f, List<string> notes)
    {
        if (f.UsedSource.StartsWith('!') && f.UsedBytes is ulong used && f.TaggedBytes > used + used / 10)
            notes.Add($"the pool tag table holds {PoolTriageRules.Kb(f.TaggedBytes)} of {PoolTriageRules.Name(f.Pool).ToLowerInvariant()} pool, more than the {PoolTriageRules.Kb(used)} {f.UsedSource} reports");
    }

    /// <summary>Looks for the tag in the dump's module images and the drivers folder, grouped by module, allocating code first.</summary>
    public static PoolTagSuspect Attribute(DebugSession session, string? driversFolder, PoolKind pool, PoolTagRank rank)
    {
        var tag = PoolTagPattern.Parse(rank.Tag);
        var inDump = FindTag.PoolFindTag.InDump(session, tag);
        var onDisk = driversFolder != null ? PoolTagFinder.FindInDirectory(driversFolder, tag) : null;
        var code = inDump.CodeHits.Concat(onDisk?.CodeHits ?? []).ToList();
        var data = inDump.StringHits.Concat(onDisk?.StringHits ?? []).ToList();
        var modules = code.Select(h => h.Module).Concat(data.Select(h => h.Module)).Distinct(StringComparer.OrdinalIgnoreCase);
        var drivers = modules.Select(m =>
        {
            bool Is(string name) => string.Equals(name, m, StringComparison.OrdinalIgnoreCase);
            var mine = code.Where(h => Is(h.Module)).ToList();
            var strings = data.Where(h => Is(h.Module)).ToList();
            return new PoolDriverEvidence(m,
                mine.Any(h => h.Source == PoolTagSource.Dump) || strings.Any(h => h.Source == PoolTagSource.Dump),
                mine.Any(h => h.Source == PoolTagSource.File) || strings.Any(h => h.Source == PoolTagSource.File),
                [.. mine.Where(h => h.IsAllocation)], [.. mine.Where(h => !h.IsAllocation)], strings);
        })
        .OrderByDescending(d => d.Allocations.Count > 0).ThenByDescending(d => d.OtherCode.Count > 0).ThenBy(d => d.Module, StringComparer.OrdinalIgnoreCase)
        .ToList();
        return new PoolTagSuspect(pool, rank, PoolTriageRules.ExcessiveForRam(rank), drivers, inDump.ImagesScanned, onDisk?.ImagesScanned ?? 0,
            Unscanned(inDump, onDisk));
    }

    /// <summary>One line per module the search could not fully see: its missing bytes by kind, or why it was skipped.</summary>
    private static List<string> Unscanned(PoolTagResult inDump, PoolTagResult? onDisk)
    {
        var lines = inDump.Missing.GroupBy(m => (m.Module, m.Kind))
            .Select(g => $"{g.Key.Module}: 0x{g.Aggregate(0UL, (a, m) => a + m.Length):x} bytes not in the dump ({g.Key.Kind}, {g.Count()} range(s) from {string.Join(", ", g.Select(m => m.Section).Distinct())})")
            .ToList();
        lines.AddRange(inDump.Errors.Select(e => $"{e.Path}: {e.Problem}"));
        if (onDisk != null) lines.AddRange(onDisk.Errors.Select(e => $"{e.Path}: {e.Problem}"));
        return lines;
    }
}
