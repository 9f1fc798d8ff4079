namespace Ntdbg.Analyses.AddressMap;

/// <summary>
/// A range something is known to use (a thread's stack, a TEB, the PEB, a heap segment, a module).
/// Where claims overlap the higher <see cref="Priority"/> wins: the small precise ones (PEB, TEB)
/// over stacks, stacks over heap ranges, and everything over the module list.
/// </summary>
internal sealed record AddressClaim(ulong Start, ulong End, AddressUsage Usage, AddressOwner? Owner)
{
    public int Priority => Usage switch
    {
        AddressUsage.Peb => 6,
        AddressUsage.Teb => 5,
        AddressUsage.Stack => 4,
        AddressUsage.Heap => 3,
        AddressUsage.Other => 2,
        AddressUsage.Image => 1,
        _ => 0,
    };
}

/// <summary>Claims indexed per priority, each list sorted by start, for finding the claim covering an address.</summary>
internal sealed class ClaimIndex
{
    /// <summary>How many earlier claims of one level are checked for one that still covers an address (nested claims are rare).</summary>
    private const int Lookback = 8;

    private readonly List<AddressClaim>[] _levels;

    public ClaimIndex(IEnumerable<AddressClaim> claims)
    {
        _levels = [.. claims.GroupBy(c => c.Priority).OrderByDescending(g => g.Key)
            .Select(g => g.OrderBy(c => c.Start).ToList())];
        Boundaries = [.. claims.SelectMany(c => new[] { c.Start, c.End }).Distinct().Order()];
    }

    /// <summary>Every claim's start and end, sorted: where a region must be cut.</summary>
    public ulong[] Boundaries { get; }

    public AddressClaim? Covering(ulong address)
    {
        foreach (var level in _levels)
        {
            int i = UpperBound(level, address) - 1;
            for (int k = 0; k < Lookback && i - k >= 0; k++)
                if (level[i - k].End > address) return level[i - k];
        }
        return null;
    }

    /// <summary>Index of the first claim starting after the address.</summary>
    private static int UpperBound(List<AddressClaim> list, ulong address)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid].Start <= address) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
