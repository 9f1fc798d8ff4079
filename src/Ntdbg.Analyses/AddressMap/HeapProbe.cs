using Ntdbg.Analyses.Heaps;
using Ntdbg.Targets;
using static Ntdbg.Analyses.AddressMap.MemoryConstants;

namespace Ntdbg.Analyses.AddressMap;

/// <summary>
/// Adds heaps the PEB does not list: every private allocation's base is offered to the walker factories
/// (a heap starts at its first segment's reservation). Wine 8 leaves PEB.NumberOfHeaps at 0 and keeps its
/// heap list privately, so without this only the process heap would be found.
/// </summary>
public static class HeapProbe
{
    /// <summary>More allocation bases than this are not probed (each probe reads a header).</summary>
    public const int MaxProbes = 100_000;

    public static HeapList WithUnlistedHeaps(HeapList listed, HeapReadContext context, IReadOnlyList<MemoryRegionInfo> regions,
        IReadOnlyList<IHeapWalkerFactory> factories)
    {
        if (factories.Count == 0 || regions.Count == 0) return listed;
        var known = listed.Heaps.Select(h => h.Address).ToHashSet();
        var heaps = listed.Heaps.ToList();
        var notes = listed.Notes.ToList();
        var probeNotes = new List<string>();
        int probes = 0;
        foreach (ulong allocation in regions.Where(r => r.Type == MemPrivate && r.State == MemCommit && r.BaseAddress == r.AllocationBase)
                     .Select(r => r.AllocationBase).Distinct())
        {
            if (known.Contains(allocation)) continue;
            if (++probes > MaxProbes) { notes.Add($"more than {MaxProbes} private allocations: the rest were not probed for unlisted heaps"); break; }
            var walker = factories.Select(f => f.TryOpen(context, allocation, probeNotes)).FirstOrDefault(w => w != null);
            if (walker == null) continue;
            heaps.Add(walker);
            known.Add(allocation);
            notes.Add($"heap {allocation:x} is not in the PEB's heap list: found by its signature");
        }
        return listed with { Heaps = heaps, Notes = notes };
    }
}
