namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes each session's pool tag tracker (<see cref="KernelScenario.SessionPoolTags"/>) where
/// the build's kernel keeps it, in session space: the same virtual address
/// (<see cref="TrackerVa"/>) in every session, backed by the session's own pages, mapped only in
/// the page tables of that session's processes (one PML4 slot per session, as Windows maps
/// session space) — the system's own tables do not map it, so a reader must go through a session
/// process's. The table's address is in nt!ExpSessionPoolTrackTable on builds that have it
/// (7601-20348), else in the session's _MM_SESSION_SPACE.PoolTags pointer (22000); its size in
/// nt!ExpSessionPoolTrackTableSize (one size for every session, as the kernel has one variable).
/// Every third tag of a session goes to the session's expansion table
/// (_MM_SESSION_SPACE.PoolTrackTableExpansion / PoolTrackTableExpansionSize), right after the table.
/// </summary>
public static class SessionPoolTrackerWriter
{
    private const string Type = "_POOL_TRACKER_TABLE", Space = "_MM_SESSION_SPACE";
    /// <summary>The session tracker's address in every session (a PML4 slot of its own, clear of the shared kernel mappings).</summary>
    public const ulong TrackerVa = 0xFFFF_9B80_0000_0000;

    public static bool InExpansion(int index) => index % 3 == 2;

    public static void Write(KernelScenario s)
    {
        var layout = s.Layout;
        var sessions = s.Processes.Where(p => p.SessionId != null).Select(p => p.SessionId!.Value).Distinct().Order().ToList();
        bool global = layout.HasSymbol("ExpSessionPoolTrackTable");
        bool inSpace = !global && layout.HasType(Space) && layout.HasField(Space, "PoolTags") && layout.FieldKind(Space, "PoolTags") == "pointer";
        if (sessions.Count == 0 || !layout.HasSymbol("ExpSessionPoolTrackTableSize") || !(global || inSpace)) return;
        var w = new KernelVariableWriter(s, 0);
        ulong entrySize = layout.SizeOf(Type);
        var tagsOf = sessions.ToDictionary(id => id, id => s.SessionPoolTags.TryGetValue(id, out var t) ? t : []);
        int most = tagsOf.Values.Max(t => t.Where((_, i) => !InExpansion(i)).Count());
        ulong size = TrackerTableWriter.SizeFor(most);
        ulong tableBytes = (entrySize * size + 0xfff) & ~0xfffUL;
        foreach (uint id in sessions)
        {
            var tags = tagsOf[id];
            var hashed = tags.Where((_, i) => !InExpansion(i)).ToList();
            var expansion = tags.Where((_, i) => InExpansion(i)).ToList();
            var pt = new PageTableBuilder(s.Memory); // this session's own view of session space
            ulong expansionCount = expansion.Count == 0 ? 0 : (ulong)expansion.Count + 1;
            pt.AllocateAndMap(TrackerVa, (int)((tableBytes + entrySize * expansionCount + 0xfff) / 0x1000));
            var written = s.PoolTrackers.Sessions[id] = [];
            int[] slots = TrackerTableWriter.Slots(hashed, size);
            string name = global ? "nt!ExpSessionPoolTrackTable" : $"{Space}.PoolTags";
            s.PoolTrackers.Tables[$"session {id} {name}"] = (TrackerVa, size);
            for (int i = 0; i < hashed.Count; i++)
            {
                ulong entry = TrackerVa + entrySize * (ulong)slots[i];
                TrackerTableWriter.WriteEntry(pt, layout, entry, hashed[i]);
                written.Add(new WrittenTrackerEntry(name, entry, hashed[i]));
            }
            ulong session = ProcessDetailsWriter.SessionAddress(id);
            if (inSpace) s.Tables.WriteVirtualUInt64(session + layout.OffsetOf(Space, "PoolTags"), TrackerVa);
            if (expansion.Count > 0 && layout.HasField(Space, "PoolTrackTableExpansion") && layout.HasField(Space, "PoolTrackTableExpansionSize"))
            {
                ulong table = TrackerVa + tableBytes;
                s.PoolTrackers.Tables[$"session {id} {Space}.PoolTrackTableExpansion"] = (table, expansionCount);
                for (int i = 0; i < expansion.Count; i++)
                {
                    ulong entry = table + entrySize * (ulong)i;
                    TrackerTableWriter.WriteEntry(pt, layout, entry, expansion[i]);
                    written.Add(new WrittenTrackerEntry($"{Space}.PoolTrackTableExpansion", entry, expansion[i]));
                }
                s.Tables.WriteVirtualUInt64(session + layout.OffsetOf(Space, "PoolTrackTableExpansion"), table);
                s.Tables.WriteVirtualUInt64(session + layout.OffsetOf(Space, "PoolTrackTableExpansionSize"), expansionCount);
            }
            // After every process has its kernel half: the session's processes get the session's slot.
            ulong pml4Entry = s.Memory.ReadUInt64((pt.Pml4Pfn << 12) + Pml4Index(TrackerVa) * 8);
            var members = s.Processes.Where(p => p.SessionId == id && p.UserTables != null).Select(p => p.UserTables!).ToList();
            s.BeforeDump.Add(_ =>
            {
                foreach (var member in members) s.Memory.WriteUInt64((member.Pml4Pfn << 12) + Pml4Index(TrackerVa) * 8, pml4Entry);
            });
        }
        if (global) w.WriteVariable("ExpSessionPoolTrackTable", null, null, TrackerVa);
        w.WriteVariable("ExpSessionPoolTrackTableSize", null, null, size);
        if (w.Has("ExpSessionPoolTrackTableMask")) w.WriteVariable("ExpSessionPoolTrackTableMask", null, null, size - 2);
    }

    private static ulong Pml4Index(ulong va) => (va >> 39) & 0x1ff;
}
