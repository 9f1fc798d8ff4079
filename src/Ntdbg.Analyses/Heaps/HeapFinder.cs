using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.Heaps;

/// <summary>
/// Finds a user process's heaps: the PEB (from any thread's TEB), its ProcessHeap, NumberOfHeaps and
/// ProcessHeaps array, and for each listed heap the first allocator whose signature matches
/// (<see cref="HeapWalkerFactories"/>). PEB offsets are the documented, stable ones of the 32- and
/// 64-bit PEB (they have not moved since Windows XP); a heap no walker recognises is a note.
/// </summary>
public static class HeapFinder
{
    /// <summary>More heaps than this in a PEB is corruption, not a process (Windows caps ProcessHeaps far lower).</summary>
    public const int MaxHeaps = 4096;

    public static HeapList Find(HeapReadContext context, IEnumerable<ulong> threadTebs) =>
        Find(context, threadTebs, HeapWalkerFactories.All);

    public static HeapList Find(HeapReadContext context, IEnumerable<ulong> threadTebs, IReadOnlyList<IHeapWalkerFactory> factories)
    {
        var notes = new List<string>();
        bool wide = context.PointerSize == 8;
        ulong? peb = null;
        foreach (ulong teb in threadTebs.Where(t => t != 0))
        {
            if (ReadPointer(context, teb + (wide ? 0x60UL : 0x30UL)) is { } p && p != 0) { peb = p; break; }
        }
        if (peb == null)
        {
            notes.Add("the PEB is not in the dump (no thread's TEB is readable): the process's heap list is unknown");
            return new HeapList(null, null, [], notes);
        }

        ulong? processHeap = ReadPointer(context, peb.Value + (wide ? 0x30UL : 0x18UL));
        uint? count = ReadUInt32(context, peb.Value + (wide ? 0xE8UL : 0x88UL));
        ulong? array = ReadPointer(context, peb.Value + (wide ? 0xF0UL : 0x90UL));
        var addresses = new List<ulong>();
        if (count == 0)
            notes.Add($"PEB {peb.Value:x}: NumberOfHeaps is 0 (Wine does not fill it): heaps come from the process heap and its allocator's heap list");
        else if (count is null || array is null || array == 0)
            notes.Add($"PEB {peb.Value:x}: NumberOfHeaps/ProcessHeaps is not readable");
        else if (count > MaxHeaps)
            notes.Add($"PEB {peb.Value:x}: NumberOfHeaps is {count}, more than {MaxHeaps}: treated as corrupt");
        else
        {
            for (uint i = 0; i < count; i++)
            {
                ulong slot = array.Value + i * (ulong)context.PointerSize;
                if (ReadPointer(context, slot) is not { } heap) { notes.Add($"ProcessHeaps[{i}] at {slot:x} is not in the dump"); break; }
                if (heap != 0 && !addresses.Contains(heap)) addresses.Add(heap);
            }
        }
        if (processHeap is { } ph && ph != 0 && !addresses.Contains(ph)) addresses.Insert(0, ph);

        var heaps = new List<IHeapWalker>();
        bool linksRead = false;
        for (int i = 0; i < addresses.Count && i < MaxHeaps; i++)
        {
            ulong address = addresses[i];
            var walker = factories.Select(f => f.TryOpen(context, address, notes)).FirstOrDefault(w => w != null);
            if (walker == null)
            {
                notes.Add($"heap {address:x}: no known heap signature (NT heap, segment heap, Wine heap) or its header is not in the dump");
                continue;
            }
            heaps.Add(walker);
            // Heaps the PEB does not list but the allocator links (Wine) are appended and opened in turn;
            // one ring holds them all, so it is read once.
            if (walker is ILinkedHeaps linked && !linksRead)
            {
                linksRead = true;
                foreach (ulong other in linked.LinkedHeaps(notes))
                    if (!addresses.Contains(other)) addresses.Add(other);
            }
        }
        return new HeapList(peb, processHeap, heaps, notes);
    }

    private static ulong? ReadPointer(HeapReadContext c, ulong address) =>
        c.Memory.TryReadPointer(address, c.PointerSize, out ulong value, out _) ? value : null;

    private static uint? ReadUInt32(HeapReadContext c, ulong address) =>
        c.Memory.TryReadUInt32(address, out uint value, out _) ? value : null;
}
