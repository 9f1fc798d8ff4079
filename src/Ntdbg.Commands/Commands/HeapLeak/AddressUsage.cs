using Ntdbg.Analyses.AddressMap;
using Ntdbg.Analyses.HeapLeak;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.HeapLeak;

/// <summary>The first step of the playbook, `!address -summary`'s usage table (busy classes only), for the leak report.</summary>
public static class AddressUsage
{
    public static (IReadOnlyList<MemoryUsageShare>, IReadOnlyList<string>) Summarize(DebugSession session, HeapList heaps)
    {
        if (session.Target is not IUserTarget user) return ([], ["not a user dump: no address-space usage"]);
        var summary = AddressSummary.Of(AddressMapBuilder.Build(AddressMapInput.From(user, heaps, session.Modules.All)));
        var shares = summary.Usage.Where(r => r.PercentOfBusy != null)
            .Select(r => new MemoryUsageShare(r.Name, r.TotalSize, r.PercentOfBusy!.Value / 100)).ToList();
        return (shares, summary.Notes);
    }
}
