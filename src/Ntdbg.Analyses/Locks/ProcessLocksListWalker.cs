namespace Ntdbg.Analyses.Locks;

/// <summary>
/// Follows RTL_CRITICAL_SECTION_DEBUG.ProcessLocksList, the ring Windows' ntdll links every
/// initialised section's debug record into (head: ntdll!RtlCriticalSectionList). Each entry's
/// debug record names its section; entries whose record does not (the list head itself) are
/// stepped over. The ring comes from the dump, so the walk stops at <see cref="MaxEntries"/>, at
/// an unreadable link, and when it meets an entry a second time without closing the ring — each
/// with a note. (Wine links each record to itself only, so there the ring has one entry.)
/// </summary>
public static class ProcessLocksListWalker
{
    public const int MaxEntries = 65536;

    /// <summary>Walks the ring through <paramref name="start"/> (a LIST_ENTRY address), adding each confirmed section to <paramref name="found"/>.</summary>
    public static int Walk(CriticalSectionReader reader, ulong start, string foundBy, Dictionary<ulong, CriticalSectionInfo> found, List<string> notes)
    {
        var L = reader.Layout;
        var visited = new HashSet<ulong> { start };
        ulong entry = start;
        int added = 0, foreign = 0;
        for (int steps = 0; ; steps++)
        {
            if (steps >= MaxEntries)
            {
                notes.Add($"ProcessLocksList from {start:x}: stopped after {MaxEntries} entries (a list this long is corrupt)");
                break;
            }
            if (!reader.TryReadPointer(entry, out ulong next, out string? why))
            {
                notes.Add($"ProcessLocksList from {start:x}: the link at {entry:x} is unreadable ({why}); stopped after {steps} entries");
                break;
            }
            if (next == start) break;
            if (next == 0 || !visited.Add(next))
            {
                notes.Add(next == 0
                    ? $"ProcessLocksList from {start:x}: a null link at {entry:x}; stopped after {steps} entries"
                    : $"ProcessLocksList from {start:x} loops back to {next:x} without returning to its start: stopped after {steps} entries");
                break;
            }
            entry = next;
            ulong debugInfo = entry - (ulong)L.DebugProcessLocksList;
            var debug = reader.ReadDebug(debugInfo, out _);
            if (debug == null || debug.CriticalSection == 0) { foreign++; continue; }
            if (found.ContainsKey(debug.CriticalSection)) continue;
            var cs = reader.Read(debug.CriticalSection, foundBy, out _);
            if (cs == null || !CriticalSectionReader.Confirmed(cs)) { foreign++; continue; }
            found[cs.Address] = cs;
            added++;
            if (found.Count >= MaxEntries) break;
        }
        if (foreign > 1) notes.Add($"ProcessLocksList from {start:x}: {foreign} entries are not the debug record of a critical section (skipped)");
        return added;
    }
}
