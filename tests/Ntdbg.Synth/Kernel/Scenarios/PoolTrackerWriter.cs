namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>One pool tag's counters in nt!PoolTrackTable: what `!poolused` sums per tag.</summary>
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

    /// <summary>The tag as the kernel stores it: four ASCII bytes read as a little-endian ULONG (short tags padded with spaces).</summary>
    public uint Key => KeyOf(Tag);

    /// <summary>Four ASCII bytes (space-padded) as a little-endian ULONG.</summary>
    public static uint KeyOf(string tag) => BitConverter.ToUInt32(System.Text.Encoding.ASCII.GetBytes(tag.PadRight(4)[..4]));
}

/// <summary>
/// Writes nt!PoolTrackTable (a pointer to an array of _POOL_TRACKER_TABLE) and nt!PoolTrackTableSize.
/// Windows hashes tags into the array; a reader walks every slot, so the tags go to scattered
/// slots with empty ones between them (an empty slot has Key 0). Field widths differ by build
/// (ULONG counts on 7601/9600, ULONG64 later), so each field is written at its ISF width.
/// </summary>
public static class PoolTrackerWriter
{
    private const string Type = "_POOL_TRACKER_TABLE";
    public const ulong TableVa = 0xffffc08d5c000000; // its own range: the processor blocks start at 0xffffc08c78000000

    public static void Write(KernelScenario s)
    {
        if (s.PoolTags.Count == 0 || !s.Layout.HasSymbol("PoolTrackTable") || !s.Layout.HasType(Type)) return;
        var w = new KernelVariableWriter(s, TableVa);
        ulong entrySize = s.Layout.SizeOf(Type);
        ulong slots = (ulong)s.PoolTags.Count * 3 + 5;
        ulong table = w.Allocate(entrySize * slots);
        for (int i = 0; i < s.PoolTags.Count; i++)
        {
            var t = s.PoolTags[i];
            ulong entry = table + entrySize * (ulong)(i * 3 + 2);
            w.WriteField(entry, Type, "Key", t.Key);
            w.WriteField(entry, Type, "NonPagedAllocs", t.NonPagedAllocs);
            w.WriteField(entry, Type, "NonPagedFrees", t.NonPagedFrees);
            w.WriteField(entry, Type, "NonPagedBytes", t.NonPagedBytes);
            w.WriteField(entry, Type, "PagedAllocs", t.PagedAllocs);
            w.WriteField(entry, Type, "PagedFrees", t.PagedFrees);
            w.WriteField(entry, Type, "PagedBytes", t.PagedBytes);
        }
        w.WriteVariable("PoolTrackTable", null, null, table);
        w.WriteVariable("PoolTrackTableSize", null, null, slots, 4);
    }
}
