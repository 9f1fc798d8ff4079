namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Per-tag sums of tracker entries from any number of tables. The kernel keeps one tag's counters
/// spread over several tables (a slot per processor, the expansion table), so `!poolused` adds
/// them up by tag: counts and bytes wrap at the counters' own width, as the kernel's do — a
/// processor that freed more than it allocated holds "negative" bytes that the other processors'
/// entries make good again.
/// </summary>
public sealed class PoolTagSums(PoolTrackerLayout layout)
{
    private const int Counters = 6;
    private readonly Dictionary<uint, ulong[]> _sums = [];

    public PoolTrackerLayout Layout => layout;

    public int Count => _sums.Count;

    /// <summary>Adds one entry; an empty slot (Key 0) adds nothing.</summary>
    public void Add(ReadOnlySpan<byte> entry)
    {
        uint key = layout.Key(entry);
        if (key == 0) return;
        if (!_sums.TryGetValue(key, out var s)) _sums[key] = s = new ulong[Counters];
        for (int i = 0; i < Counters; i++) s[i] += layout.Counter(entry, i);
    }

    /// <summary>One row per tag seen, in no particular order (the command sorts).</summary>
    public List<PoolTagUsage> Rows()
    {
        var rows = new List<PoolTagUsage>(_sums.Count);
        foreach (var (key, s) in _sums)
            rows.Add(new PoolTagUsage(PoolTrackTableReader.TagText(key), Pool(s, 0), Pool(s, 3), null));
        return rows;
    }

    private PoolTagCounters Pool(ulong[] s, int first)
    {
        int countBits = Math.Max(layout.Bits(first), layout.Bits(first + 1));
        ulong allocs = s[first], frees = s[first + 1];
        ulong diff = allocs - frees;
        long outstanding = countBits >= 64 ? (long)diff : (long)(int)(uint)diff; // the difference in the counters' own width
        ulong bytes = Wrap(s[first + 2], layout.Bits(first + 2));
        return new PoolTagCounters(allocs, frees, outstanding, bytes);
    }

    private static ulong Wrap(ulong value, int bits) => bits >= 64 ? value : value & ((1UL << bits) - 1);
}
