namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Each process's handle table: _HANDLE_TABLE.TableCode points at a level-0 page of 256
/// _HANDLE_TABLE_ENTRY (entry 0 of a page is reserved); for <see cref="TwoPageProcess"/> at a
/// level-1 page whose first two pointers name two level-0 pages (TableCode's low bits = 1), and for
/// <see cref="ThreeLevelProcess"/> at a level-2 page naming such a level-1 page (low bits = 2).
/// The process's <see cref="SyntheticProcess.HandleCount"/> entries are in use, each naming the
/// object header of the process's own _EPROCESS (Windows 7: the Object pointer; Windows 8.1 and
/// later: ObjectPointerBits, the header address shifted right by 4). NextHandleNeedingPool bounds
/// the table at the handle values its pages cover (1024 per level-0 page: handles are index × 4).
/// </summary>
public static class HandleTableWriter
{
    /// <summary>Where the table pages go: 4 pages per process (the level-2 or level-1 page, the level-1 page under a level-2 one, then the level-0 pages).</summary>
    public const ulong HandleTablePages = 0xFFFF_C08B_7400_0000;
    /// <summary>The process whose table has two levels.</summary>
    public const int TwoPageProcess = 1;
    /// <summary>The process whose table has three levels (and two level-0 pages).</summary>
    public const int ThreeLevelProcess = 2;
    private const int EntriesPerPage = 256;

    /// <summary>The handle count process <paramref name="index"/> gets: differs between the first 30 processes, and always fits one page (at most 255 entries).</summary>
    public static uint HandleCount(int index) => 0x20 + 7 * (uint)(index % 30);

    /// <summary>The level-0 page <paramref name="page"/> of process <paramref name="index"/>'s table.</summary>
    public static ulong LevelZeroPage(int index, int page) => HandleTablePages + (ulong)index * 0x4000 + 0x1000 * (ulong)(page + 2);

    /// <summary>The level-1 page under <see cref="ThreeLevelProcess"/>'s level-2 page.</summary>
    public static ulong MiddlePage(int index) => HandleTablePages + (ulong)index * 0x4000 + 0x1000;

    /// <summary>Writes process <paramref name="index"/>'s table at <paramref name="table"/> (the _HANDLE_TABLE, already mapped).</summary>
    public static void Write(KernelScenario s, int index, ulong table)
    {
        var layout = s.Layout;
        var pt = s.Tables;
        var p = s.Processes[index];
        p.HandleCount = HandleCount(index);
        uint levels = index == ThreeLevelProcess ? 2u : index == TwoPageProcess ? 1u : 0u;
        int pages = levels == 0 ? 1 : 2;
        ulong top = HandleTablePages + (ulong)index * 0x4000;
        pt.AllocateAndMap(top, 4);
        ulong levelOne = levels == 2 ? MiddlePage(index) : top;
        ulong tableCode = levels == 0 ? LevelZeroPage(index, 0) : top | levels;
        if (levels == 2) pt.WriteVirtualUInt64(top, levelOne);
        if (levels > 0)
            for (int k = 0; k < pages; k++) pt.WriteVirtualUInt64(levelOne + 8 * (ulong)k, LevelZeroPage(index, k));
        pt.WriteVirtualUInt64(table + layout.OffsetOf("_HANDLE_TABLE", "TableCode"), tableCode);
        pt.WriteVirtual(table + layout.OffsetOf("_HANDLE_TABLE", "NextHandleNeedingPool"), BitConverter.GetBytes((uint)(pages * EntriesPerPage * 4)));
        if (layout.HasField("_HANDLE_TABLE", "HandleCount"))
            pt.WriteVirtual(table + layout.OffsetOf("_HANDLE_TABLE", "HandleCount"), BitConverter.GetBytes(p.HandleCount));

        ulong header = s.Objects.HeaderOf(s.ProcessObjectAddresses[index]);
        ulong entrySize = layout.SizeOf("_HANDLE_TABLE_ENTRY");
        // The in-use entries are spread over the pages: the first page gets half when there are two.
        int[] perPage = pages == 1 ? [(int)p.HandleCount] : [(int)p.HandleCount / 2, (int)p.HandleCount - (int)p.HandleCount / 2];
        for (int k = 0; k < pages; k++)
            for (int e = 1; e <= perPage[k]; e++) // entry 0 is reserved
                WriteEntry(s, LevelZeroPage(index, k) + (ulong)e * entrySize, header);
    }

    private static void WriteEntry(KernelScenario s, ulong entry, ulong objectHeader)
    {
        var layout = s.Layout;
        ulong low = layout.HasField("_HANDLE_TABLE_ENTRY", "ObjectPointerBits")
            ? ((objectHeader & 0x0000_FFFF_FFFF_FFFFUL) >> 4) << layout.BitPosition("_HANDLE_TABLE_ENTRY", "ObjectPointerBits") | 1 // Unlocked
            : objectHeader;
        s.Tables.WriteVirtualUInt64(entry, low);
        s.Tables.WriteVirtual(entry + 8, BitConverter.GetBytes(0x1F_FFFFu)); // PROCESS_ALL_ACCESS
    }
}
