namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>One pool tag's counters (a scenario's per-tag totals, or one tracker entry): what `!poolused` sums per tag.</summary>
public sealed record SyntheticPoolTag(string Tag, ulong NonPagedAllocs, ulong NonPagedFrees, ulong NonPagedBytes, ulong PagedAllocs, ulong PagedFrees, ulong PagedBytes)
{
    /// <summary>A handful of ordinary tags (their outstanding counts and bytes all differ so a sort mistake shows).</summary>
    public static IReadOnlyList<SyntheticPoolTag> Ordinary { get; } =
    [
        new("Leak", 700, 99, 615424000, 0, 0, 0),
        new("Pool", 9, 3, 1717840, 2, 1, 4096),
        new("Thre", 900, 293, 774048, 0, 0, 0),
        new("netv", 5000, 631, 1172224, 3, 2, 144),
        new("MmSt", 40, 10, 96000, 8000, 1200, 31457280),
        new("CM31", 0, 0, 0, 3000, 500, 8388608),
        new("Ntf0", 20, 15, 2560, 900, 850, 12800),
    ];

    /// <summary>Session pool tags of sessions 0 and 1: different tags and counts in each, so a reader of the wrong session shows the wrong rows.</summary>
    public static Dictionary<uint, List<SyntheticPoolTag>> OrdinarySessions() => new()
    {
        [0] = [new("Gh05", 0, 0, 0, 120, 20, 204800), new("Usqu", 0, 0, 0, 40, 8, 16384), new("Gla5", 2, 1, 128, 50, 10, 8000), new("Ttfd", 0, 0, 0, 30, 30, 0)],
        [1] = [new("Gh05", 0, 0, 0, 900, 100, 3276800), new("Gla1", 0, 0, 0, 64, 0, 8192), new("Usqm", 0, 0, 0, 10, 2, 2048), new("GDev", 1, 0, 4096, 3, 1, 512), new("Uspi", 0, 0, 0, 7, 3, 896)],
    };

    /// <summary>The tag as the kernel stores it: four ASCII bytes read as a little-endian ULONG (short tags padded with spaces).</summary>
    public uint Key => KeyOf(Tag);

    /// <summary>Four ASCII bytes (space-padded) as a little-endian ULONG.</summary>
    public static uint KeyOf(string tag) => BitConverter.ToUInt32(System.Text.Encoding.ASCII.GetBytes(tag.PadRight(4)[..4]));
}

/// <summary>
/// Writes the standard pools' tag trackers as Windows keeps them, from the scenario's per-tag
/// totals (<see cref="KernelScenario.PoolTags"/>): nt!PoolTrackTable and nt!PoolTrackTableSize;
/// one table per further processor at nt!ExPoolTagTables[1..] (slot i holding the same tag as
/// PoolTrackTable's slot i; ExPoolTagTables[0] is PoolTrackTable), each tag's counts spread over
/// the processors — processors p ≥ 1 also free blocks others allocated, so their bytes can be
/// "negative" (a tag with few bytes goes below zero there) and only the sum over every table
/// gives the total; and nt!PoolTrackTableExpansion /
/// PoolTrackTableExpansionSize with the tags that found no slot (every fourth tag) plus a tenth of
/// the first tag's counts (a tag in both tables). Then the sessions' trackers
/// (<see cref="SessionPoolTrackerWriter"/>). What was written goes to <see cref="KernelScenario.PoolTrackers"/>.
/// </summary>
public static class PoolTrackerWriter
{
    private const string Type = "_POOL_TRACKER_TABLE";
    public const ulong TableVa = 0xffffc08d5c000000; // its own range: the processor blocks start at 0xffffc08c78000000

    /// <summary>Whether the tag at this index of <see cref="KernelScenario.PoolTags"/> lives only in the expansion table.</summary>
    public static bool InExpansionOnly(int index) => index % 4 == 3;

    public static void Write(KernelScenario s)
    {
        s.PoolTrackers.Clear();
        if (!s.Layout.HasType(Type)) return;
        if (s.PoolTags.Count > 0 && s.Layout.HasSymbol("PoolTrackTable")) WriteStandard(s);
        SessionPoolTrackerWriter.Write(s);
    }

    private static void WriteStandard(KernelScenario s)
    {
        var layout = s.Layout;
        var w = new KernelVariableWriter(s, TableVa);
        ulong entrySize = layout.SizeOf(Type);
        var hashed = new List<SyntheticPoolTag>();
        var expansion = new List<SyntheticPoolTag>();
        for (int i = 0; i < s.PoolTags.Count; i++)
        {
            var t = s.PoolTags[i];
            if (InExpansionOnly(i)) expansion.Add(t);
            else if (i == 0)
            {
                var tenth = Scale(t, 10);
                expansion.Add(tenth);
                hashed.Add(Minus(t, tenth));
            }
            else hashed.Add(t);
        }
        ulong size = TrackerTableWriter.SizeFor(hashed.Count);
        int[] slots = TrackerTableWriter.Slots(hashed, size);
        int processors = (int)Math.Max(1, s.ProcessorCount);
        var shares = hashed.Select(t => Spread(t, processors)).ToList();
        var tables = new ulong[processors];
        for (int p = 0; p < processors; p++)
        {
            tables[p] = w.Allocate(entrySize * size);
            string name = p == 0 ? "nt!PoolTrackTable" : $"nt!ExPoolTagTables[{p}]";
            s.PoolTrackers.Tables[name] = (tables[p], size);
            for (int i = 0; i < hashed.Count; i++)
            {
                ulong entry = tables[p] + entrySize * (ulong)slots[i];
                TrackerTableWriter.WriteEntry(s.Tables, layout, entry, shares[i][p]);
                s.PoolTrackers.Standard.Add(new WrittenTrackerEntry(name, entry, shares[i][p]));
            }
        }
        w.WriteVariable("PoolTrackTable", null, null, tables[0]);
        w.WriteVariable("PoolTrackTableSize", null, null, size);
        if (w.Has("PoolTrackTableMask")) w.WriteVariable("PoolTrackTableMask", null, null, size - 2);
        if (w.Symbol("ExPoolTagTables") is ulong array)
            for (int p = 0; p < processors; p++) w.Write(array + 8 * (ulong)p, tables[p], 8);
        if (expansion.Count > 0 && w.Has("PoolTrackTableExpansion") && w.Has("PoolTrackTableExpansionSize"))
        {
            ulong count = (ulong)expansion.Count + 1; // the kernel grows it a page at a time: an empty entry follows the used ones
            ulong table = w.Allocate(entrySize * count);
            s.PoolTrackers.Tables["nt!PoolTrackTableExpansion"] = (table, count);
            for (int i = 0; i < expansion.Count; i++)
            {
                ulong entry = table + entrySize * (ulong)i;
                TrackerTableWriter.WriteEntry(s.Tables, layout, entry, expansion[i]);
                s.PoolTrackers.Standard.Add(new WrittenTrackerEntry("nt!PoolTrackTableExpansion", entry, expansion[i]));
            }
            w.WriteVariable("PoolTrackTableExpansion", null, null, table);
            w.WriteVariable("PoolTrackTableExpansionSize", null, null, count);
        }
    }

    // One tag's counts over the processors: p >= 1 get half an even share of the allocations, a full share of the frees and bytes lowered by 64p / 4096p (below zero for small tags); processor 0 holds the rest.
    private static SyntheticPoolTag[] Spread(SyntheticPoolTag t, int processors)
    {
        var shares = new SyntheticPoolTag[processors];
        var rest = t;
        for (int p = 1; p < processors; p++)
        {
            var share = new SyntheticPoolTag(t.Tag,
                t.NonPagedAllocs / (ulong)(2 * processors), t.NonPagedFrees / (ulong)processors, unchecked(t.NonPagedBytes / (ulong)(2 * processors) - 64 * (ulong)p),
                t.PagedAllocs / (ulong)(2 * processors), t.PagedFrees / (ulong)processors, unchecked(t.PagedBytes / (ulong)(2 * processors) - 4096 * (ulong)p));
            shares[p] = share;
            rest = Minus(rest, share);
        }
        shares[0] = rest;
        return shares;
    }

    private static SyntheticPoolTag Scale(SyntheticPoolTag t, ulong divisor) =>
        new(t.Tag, t.NonPagedAllocs / divisor, t.NonPagedFrees / divisor, t.NonPagedBytes / divisor, t.PagedAllocs / divisor, t.PagedFrees / divisor, t.PagedBytes / divisor);

    private static SyntheticPoolTag Minus(SyntheticPoolTag a, SyntheticPoolTag b) => unchecked(new(a.Tag,
        a.NonPagedAllocs - b.NonPagedAllocs, a.NonPagedFrees - b.NonPagedFrees, a.NonPagedBytes - b.NonPagedBytes,
        a.PagedAllocs - b.PagedAllocs, a.PagedFrees - b.PagedFrees, a.PagedBytes - b.PagedBytes));
}
