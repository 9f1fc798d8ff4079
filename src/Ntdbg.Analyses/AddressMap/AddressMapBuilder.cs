using Ntdbg.Targets;
using static Ntdbg.Analyses.AddressMap.MemoryConstants;

namespace Ntdbg.Analyses.AddressMap;

/// <summary>
/// Builds the `!address` map. With a MemoryInfoList every region VirtualQuery reported is kept, with its
/// state, protection and type, and cut where a known area begins or ends inside it (a TEB and the PEB
/// share one allocation under Wine; a heap segment may start inside a reservation), so the pieces tile
/// the listed regions exactly. Without one the map is inferred: the ranges the dump holds, module images,
/// thread stacks, TEBs and the PEB, merged where adjacent pieces have the same use.
/// </summary>
public static class AddressMapBuilder
{
    /// <summary>More regions than this in a MemoryInfoList is corruption (a 128 TB address space has far fewer).</summary>
    public const int MaxRegions = 4_000_000;

    public static AddressMap Build(AddressMapInput input)
    {
        var notes = new List<string>();
        var sorted = SortedRegions(input.MemoryInfo, notes);
        MemoryRegionInfo? RegionOf(ulong address)
        {
            int lo = 0, hi = sorted.Count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                var r = sorted[mid];
                if (address < r.BaseAddress) hi = mid - 1;
                else if (address - r.BaseAddress >= r.RegionSize) lo = mid + 1;
                else return r;
            }
            return null;
        }

        var areas = new ProcessAreas(input, notes);
        var claims = areas.Collect(RegionOf);
        var index = new ClaimIndex(claims);
        var regions = sorted.Count > 0 ? FromMemoryInfo(sorted, index) : Inferred(input, claims, index, notes);
        return new AddressMap(sorted.Count > 0 ? AddressMapSource.MemoryInfo : AddressMapSource.Inferred,
            input.PointerSize, input.ProcessId, regions, notes);
    }

    private static List<MemoryRegionInfo> SortedRegions(IReadOnlyList<MemoryRegionInfo> info, List<string> notes)
    {
        if (info.Count > MaxRegions)
        {
            notes.Add($"the MemoryInfoList has {info.Count} regions, more than {MaxRegions}: treated as corrupt, the map is inferred");
            return [];
        }
        var result = new List<MemoryRegionInfo>(info.Count);
        ulong end = 0;
        foreach (var r in info.Where(r => r.RegionSize > 0).OrderBy(r => r.BaseAddress))
        {
            if (r.BaseAddress + r.RegionSize < r.BaseAddress) { notes.Add($"memory info region {r.BaseAddress:x} size {r.RegionSize:x} wraps the address space: skipped"); continue; }
            if (result.Count > 0 && r.BaseAddress < end) { notes.Add($"memory info region {r.BaseAddress:x} overlaps the one before it (ending {end:x}): skipped"); continue; }
            result.Add(r);
            end = r.BaseAddress + r.RegionSize;
        }
        return result;
    }

    private static List<AddressRegion> FromMemoryInfo(List<MemoryRegionInfo> sorted, ClaimIndex index)
    {
        var regions = new List<AddressRegion>(sorted.Count + 64);
        foreach (var r in sorted)
        {
            ulong end = r.BaseAddress + r.RegionSize;
            if (r.State == MemFree)
            {
                regions.Add(new AddressRegion(r.BaseAddress, r.RegionSize, AddressUsage.Free, r.State, r.Protect, r.Type, r.AllocationBase, r.AllocationProtect, null));
                continue;
            }
            foreach (var (start, stop) in Cut(r.BaseAddress, end, index.Boundaries))
            {
                var claim = index.Covering(start);
                var usage = claim?.Usage ?? AddressUsage.Unknown;
                // The loader's MEM_IMAGE type is the authority for images; a claim that says otherwise inside one is a stray range.
                if (r.Type == MemImage) usage = AddressUsage.Image;
                else if (usage == AddressUsage.Image) usage = AddressUsage.Unknown;
                var owner = usage == claim?.Usage ? claim.Owner : usage == AddressUsage.Image ? ModuleOwner(index, start) : null;
                regions.Add(new AddressRegion(start, stop - start, usage, r.State, r.Protect, r.Type, r.AllocationBase, r.AllocationProtect, owner));
            }
        }
        return regions;
    }

    private static AddressOwner? ModuleOwner(ClaimIndex index, ulong address) => index.Covering(address) is { Usage: AddressUsage.Image } c ? c.Owner : null;

    /// <summary>No MemoryInfoList: the held ranges and every claimed area, cut at claim and held-range edges, then merged.</summary>
    private static List<AddressRegion> Inferred(AddressMapInput input, List<AddressClaim> claims, ClaimIndex index, List<string> notes)
    {
        var held = Merge(input.HeldRanges.Where(h => h.Size > 0 && h.End > h.Start).Select(h => (h.Start, h.End)));
        // The shared data page is listed only when the dump holds it; everything else the process's structures name exists.
        var known = Merge(held.Concat(claims.Where(c => c.Usage != AddressUsage.Other && c.End > c.Start).Select(c => (c.Start, c.End))));
        var cuts = index.Boundaries.Concat(held.SelectMany(h => new[] { h.Start, h.End })).Distinct().Order().ToArray();
        var pieces = new List<AddressRegion>();
        foreach (var (start, end) in known)
        {
            foreach (var (a, b) in Cut(start, end, cuts))
            {
                var claim = index.Covering(a);
                bool isHeld = Contains(held, a);
                if (claim?.Usage == AddressUsage.Other && !isHeld) claim = null;
                var usage = claim?.Usage ?? AddressUsage.Unknown;
                uint? type = usage == AddressUsage.Image ? MemImage : null;
                var piece = new AddressRegion(a, b - a, usage, isHeld ? MemCommit : null, null, type, null, null, claim?.Owner);
                if (pieces.Count > 0 && pieces[^1] is var last && last.End == a && last.Usage == usage && last.State == piece.State
                    && last.Type == type && Equals(last.Owner, piece.Owner))
                    pieces[^1] = last with { Size = last.Size + piece.Size };
                else pieces.Add(piece);
            }
        }
        notes.Insert(0, $"The dump has no MemoryInfoList: regions are inferred from the {held.Count} memory range(s) it holds, " +
            $"{input.Modules.Count} module image(s) and {input.Threads.Count} thread stack(s). Free and reserved memory, protections, " +
            "memory types other than images and allocation bases are unknown; held memory is counted as committed.");
        return pieces;
    }

    private static IEnumerable<(ulong, ulong)> Cut(ulong start, ulong end, ulong[] boundaries)
    {
        int i = Array.BinarySearch(boundaries, start);
        i = i < 0 ? ~i : i + 1;
        ulong at = start;
        for (; i < boundaries.Length && boundaries[i] < end; i++)
        {
            if (boundaries[i] <= at) continue;
            yield return (at, boundaries[i]);
            at = boundaries[i];
        }
        yield return (at, end);
    }

    private static List<(ulong Start, ulong End)> Merge(IEnumerable<(ulong Start, ulong End)> ranges)
    {
        var result = new List<(ulong Start, ulong End)>();
        foreach (var r in ranges.OrderBy(r => r.Start))
        {
            if (result.Count > 0 && r.Start <= result[^1].End)
            {
                if (r.End > result[^1].End) result[^1] = (result[^1].Start, r.End);
            }
            else result.Add(r);
        }
        return result;
    }

    private static bool Contains(List<(ulong Start, ulong End)> sorted, ulong address)
    {
        int lo = 0, hi = sorted.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < sorted[mid].Start) hi = mid - 1;
            else if (address >= sorted[mid].End) lo = mid + 1;
            else return true;
        }
        return false;
    }
}
