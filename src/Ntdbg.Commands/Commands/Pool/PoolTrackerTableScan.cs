using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Reads one array of _POOL_TRACKER_TABLE entries into per-tag sums, in large reads (a table of
/// tens of thousands of entries is a few megabytes). Entries on pages the dump lacks are skipped
/// and reported as missing — which entries, at which addresses, and why — never counted as zeros.
/// </summary>
public static class PoolTrackerTableScan
{
    /// <summary>Entries one table may have: real ones hold a few thousand to a few hundred thousand slots; a corrupt count must not drive a huge read.</summary>
    public const ulong MaxEntries = 1 << 21;
    // Below the large-object threshold and reused, so a scan of many megabytes makes no garbage to speak of.
    private const int ChunkBytes = 64 * 1024;
    private const int MaxHoleNotes = 4;

    /// <summary>
    /// Adds the <paramref name="entries"/> entries at <paramref name="address"/> to <paramref name="sums"/>;
    /// returns how many entries were readable. <paramref name="name"/> names the table in notes.
    /// </summary>
    public static ulong Read(IVirtualMemory memory, int pointerSize, string name, ulong address, ulong entries, PoolTagSums sums, List<string> notes)
    {
        ulong entrySize = sums.Layout.EntrySize;
        if (entries > MaxEntries)
        {
            notes.Add($"{name} claims {entries} entries, more than {MaxEntries}: only the first {MaxEntries} are read");
            entries = MaxEntries;
        }
        if (address + entries * entrySize < address)
        {
            notes.Add($"{name} at {Hex.Pointer(address, pointerSize)} with {entries} entries runs past the end of the address space: not read");
            return 0;
        }
        int perChunk = (int)Math.Max(1UL, (ulong)ChunkBytes / entrySize);
        var buffer = new byte[perChunk * (int)entrySize];
        var holes = new List<(ulong First, ulong Last, MemoryFault? Fault)>();
        ulong readable = 0;
        for (ulong first = 0; first < entries; first += (ulong)perChunk)
        {
            int count = (int)Math.Min((ulong)perChunk, entries - first);
            ulong at = address + first * entrySize;
            int bytes = count * (int)entrySize;
            if (memory.Read(at, buffer.AsSpan(0, bytes), out var fault) == bytes)
            {
                for (int i = 0; i < count; i++) sums.Add(buffer.AsSpan(i * (int)entrySize, (int)entrySize));
                readable += (ulong)count;
                continue;
            }
            // Part of the chunk is missing: take it page by page and keep the entries that are whole.
            var holey = HoleyRead.Read(memory, at, bytes);
            for (int i = 0; i < count; i++)
            {
                if (holey.AllValid(i * (int)entrySize, (int)entrySize))
                {
                    sums.Add(holey.Data.AsSpan(i * (int)entrySize, (int)entrySize));
                    readable++;
                }
                else if (holes.Count > 0 && holes[^1].Last == first + (ulong)i - 1) holes[^1] = holes[^1] with { Last = first + (ulong)i };
                else holes.Add((first + (ulong)i, first + (ulong)i, holey.FirstFault ?? fault));
            }
        }
        foreach (var (firstMissing, lastMissing, why) in holes.Take(MaxHoleNotes))
        {
            ulong from = address + firstMissing * entrySize, to = address + (lastMissing + 1) * entrySize - 1;
            notes.Add($"{name}: entries {firstMissing}-{lastMissing} ({Hex.Pointer(from, pointerSize)}-{Hex.Pointer(to, pointerSize)}) are not in the dump ({why?.Detail ?? "unreadable"}): their counts are missing from the totals");
        }
        if (holes.Count > MaxHoleNotes) notes.Add($"{name}: {holes.Count - MaxHoleNotes} more runs of entries are not in the dump");
        return readable;
    }
}
