using Ntdbg.Analyses.Heaps;

namespace Ntdbg.Commands.Commands.Heap;

/// <summary>The work behind each `!heap` form, on a found heap list; each returns a typed result whose notes say what was missing.</summary>
public static class HeapQueries
{
    public static HeapSummaryResult Summary(HeapList heaps, ulong? only, int pointerSize)
    {
        var notes = new List<string>(heaps.Notes);
        var chosen = only is { } h ? HeapProcess.Single(heaps, h, notes) is { } one ? [one] : [] : heaps.Heaps;
        if (heaps.Heaps.Count == 0) notes.Add("no heap found: !heap -s has nothing to summarise");
        return new HeapSummaryResult(pointerSize, [.. chosen.Select(w => w.Summarize())], notes);
    }

    public static HeapStatResult Stat(HeapList heaps, ulong? only, int maxDisplay)
    {
        var notes = SearchNotesIfEmpty(heaps);
        var chosen = only is { } h ? HeapProcess.Single(heaps, h, notes) is { } one ? [one] : [] : heaps.Heaps;
        if (heaps.Heaps.Count == 0) notes.Add("no heap found: no size histogram");
        var tables = new List<HeapStatTable>();
        foreach (var heap in chosen)
        {
            var counts = new Dictionary<ulong, (long Blocks, ulong Bytes)>();
            long blocks = 0;
            ulong bytes = 0;
            foreach (var block in heap.Blocks(notes))
            {
                if (block.State != HeapBlockState.Busy) continue;
                counts.TryGetValue(block.UserSize, out var c);
                counts[block.UserSize] = (c.Blocks + 1, c.Bytes + block.UserSize);
                blocks++;
                bytes += block.UserSize;
            }
            var classes = counts
                .OrderByDescending(kv => kv.Value.Bytes).ThenByDescending(kv => kv.Key)
                .Take(maxDisplay)
                .Select(kv => new HeapSizeClass(kv.Key, kv.Value.Blocks, kv.Value.Bytes, bytes == 0 ? 0 : kv.Value.Bytes * 100.0 / bytes))
                .ToList();
            tables.Add(new HeapStatTable(heap.Address, heap.Kind, classes, blocks, bytes));
        }
        return new HeapStatResult(maxDisplay, tables, notes);
    }

    public static HeapAddressResult Address(HeapList heaps, ulong address, int pointerSize)
    {
        var notes = SearchNotesIfEmpty(heaps);
        int granularity = HeapProcess.Granularity(pointerSize);
        foreach (var heap in heaps.Heaps)
        {
            var summary = heap.Summarize();
            if (!summary.Ranges.Any(r => r.Contains(address))) continue;
            HeapBlock? previous = null;
            foreach (var block in heap.Blocks(notes))
            {
                bool sameRun = previous is { } p && p.EntryAddress + p.BlockSize == block.EntryAddress;
                if (address >= block.EntryAddress && address - block.EntryAddress < Math.Max(block.BlockSize, 1))
                    return new HeapAddressResult(address, pointerSize, heap.Address, heap.Kind, block,
                        sameRun ? previous!.Value.BlockSize : 0, granularity, notes);
                previous = block;
            }
            notes.Add($"address {address:x} is inside heap {heap.Address:x}'s ranges but in no block the walk reached (uncommitted, or past a corrupt header)");
            return new HeapAddressResult(address, pointerSize, heap.Address, heap.Kind, null, null, granularity, notes);
        }
        notes.Add(heaps.Heaps.Count == 0
            ? $"address {address:x}: no heap found in this dump, so no heap block can hold it"
            : $"address {address:x} is not in any of the {heaps.Heaps.Count} heaps' ranges");
        return new HeapAddressResult(address, pointerSize, null, null, null, null, granularity, notes);
    }

    public static HeapBlocksResult Blocks(HeapList heaps, ulong handle, int pointerSize)
    {
        var notes = SearchNotesIfEmpty(heaps);
        if (HeapProcess.Single(heaps, handle, notes) is not { } heap) return new HeapBlocksResult(pointerSize, null, [], notes);
        var summary = heap.Summarize();
        return new HeapBlocksResult(pointerSize, summary, [.. heap.Blocks(notes)], notes);
    }

    // The list and the summary repeat how the heaps were found; the other forms only when none was.
    private static List<string> SearchNotesIfEmpty(HeapList heaps) => heaps.Heaps.Count == 0 ? [.. heaps.Notes] : [];
}
