using Ntdbg.Analyses.AddressMap;
using Ntdbg.Analyses.HeapLeak;

namespace Ntdbg.Commands.Commands.HeapLeak;

/// <summary>The first step of the playbook, `!address -summary`'s usage table (busy classes only), for the leak report.</summary>
/// <remarks>Stacks for the handle search come from the same map: the whole reservation of each thread's stack, not only what the thread list captured.</remarks>
public static class AddressUsage
{
    public static (IReadOnlyList<MemoryUsageShare>, IReadOnlyList<string>) Summarize(AddressMap? map)
    {
        if (map == null) return ([], ["not a user dump: no address-space usage"]);
        var summary = AddressSummary.Of(map);
        // Committed bytes per usage class, when the dump records region states (a MemoryInfoList).
        Dictionary<string, ulong>? committed = map.Source == AddressMapSource.MemoryInfo
            ? map.Regions.Where(r => r.State == MemoryConstants.MemCommit).GroupBy(r => AddressUsageNames.Of(r.Usage))
                .ToDictionary(g => g.Key, g => g.Aggregate(0UL, (s, r) => s + r.Size))
            : null;
        ulong allCommitted = committed?.Values.Aggregate(0UL, (s, v) => s + v) ?? 0;
        var shares = summary.Usage.Where(r => r.PercentOfBusy != null)
            .Select(r =>
            {
                ulong? c = committed == null ? null : committed.GetValueOrDefault(r.Name);
                return new MemoryUsageShare(r.Name, r.TotalSize, r.PercentOfBusy!.Value / 100, c,
                    c == null || allCommitted == 0 ? null : (double)c.Value / allCommitted);
            }).ToList();
        return (shares, summary.Notes);
    }

    /// <summary>Every thread's stack region in the map (its owner names the thread).</summary>
    public static IReadOnlyList<StackRange> Stacks(AddressMap? map) =>
        map?.Regions.Where(r => r.Usage == Analyses.AddressMap.AddressUsage.Stack)
            .Select(r => new StackRange(r.Owner?.ThreadId ?? 0, r.Base, r.End)).ToList() ?? [];
}
