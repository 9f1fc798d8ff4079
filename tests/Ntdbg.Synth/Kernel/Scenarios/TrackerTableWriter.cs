namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Lays tags into a _POOL_TRACKER_TABLE array the way the kernel does: Size = 2^n + 1 slots
/// (the mask is 2^n − 1, the last slot is never hashed to), each tag at its hash slot
/// (Windows 8+'s: 40543 × key, high half folded in, masked) or the next free one, empty
/// slots with Key 0. Entries are written at the build's field offsets and widths through the
/// page tables that map the table (the system's, or a session's).
/// </summary>
public static class TrackerTableWriter
{
    private const string Type = "_POOL_TRACKER_TABLE";

    /// <summary>The slot count for a table that must hold <paramref name="tags"/> tags with room to spare.</summary>
    public static ulong SizeFor(int tags)
    {
        ulong size = 16;
        while (size < (ulong)tags * 4) size <<= 1;
        return size + 1;
    }

    /// <summary>Each tag's slot in a table of <paramref name="size"/> slots (tags in list order; a taken slot moves on).</summary>
    public static int[] Slots(IReadOnlyList<SyntheticPoolTag> tags, ulong size)
    {
        ulong mask = size - 2;
        var used = new HashSet<ulong>();
        var slots = new int[tags.Count];
        for (int i = 0; i < tags.Count; i++)
        {
            ulong m = 40543UL * tags[i].Key;
            ulong h = (m ^ (m >> 32)) & mask;
            while (!used.Add(h)) h = (h + 1) & mask;
            slots[i] = (int)h;
        }
        return slots;
    }

    /// <summary>Writes one entry (its tag and six counters) at <paramref name="entry"/>.</summary>
    public static void WriteEntry(PageTableBuilder pt, IsfLayout layout, ulong entry, SyntheticPoolTag t)
    {
        Field(pt, layout, entry, "Key", t.Key);
        Field(pt, layout, entry, "NonPagedAllocs", t.NonPagedAllocs);
        Field(pt, layout, entry, "NonPagedFrees", t.NonPagedFrees);
        Field(pt, layout, entry, "NonPagedBytes", t.NonPagedBytes);
        Field(pt, layout, entry, "PagedAllocs", t.PagedAllocs);
        Field(pt, layout, entry, "PagedFrees", t.PagedFrees);
        Field(pt, layout, entry, "PagedBytes", t.PagedBytes);
    }

    private static void Field(PageTableBuilder pt, IsfLayout layout, ulong entry, string name, ulong value)
    {
        int size = layout.FieldSize(Type, name);
        if (size < 8 && value >> (size * 8) != 0) throw new ArgumentOutOfRangeException(name, $"{value} does not fit {Type}.{name} ({size} bytes) on {layout.PdbKey}");
        pt.WriteVirtual(entry + layout.OffsetOf(Type, name), BitConverter.GetBytes(value).AsSpan(0, size));
    }
}
