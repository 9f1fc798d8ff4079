using System.Globalization;
using Ntdbg.Analyses.Heaps;

namespace Ntdbg.Analyses.HeapLeak;

/// <summary>
/// "Troubleshooting Memory Leaks With Just a Dump" as one analysis: which memory type dominates, every
/// heap's size, which heap leaks, who owns that heap (the global holding its handle), and what the
/// leaked blocks look like. The leaking heap is the one with the most bytes in busy blocks that nothing
/// in the dump points to any more (<see cref="BlockReachability"/>); the biggest heap is only the
/// answer when no heap has such blocks, and the report says so.
/// </summary>
public static class HeapLeakTriage
{
    /// <summary>Below this many unreferenced bytes a heap is not called leaking (stale copies of freed pointers, races at dump time).</summary>
    public const ulong MinimumLeakBytes = 64 * 1024;

    /// <summary>Blocks walked per heap at most: a corrupt heap must not exhaust memory.</summary>
    public const int MaxBlocksPerHeap = 5_000_000;

    public static HeapLeakReport Run(HeapLeakInput input, int topSizeClasses = 5)
    {
        var notes = new List<string>(input.Heaps.Notes);
        notes.AddRange(input.UsageNotes);
        var summaries = input.Heaps.Heaps.Select(h => h.Summarize()).ToList();
        foreach (var s in summaries) notes.AddRange(s.Notes.Select(n => $"heap {Hex(s.Address, input.PointerSize)}: {n}"));

        // Every busy block of every heap, with the index of its heap, in address order.
        var busy = new List<(HeapBlock Block, int Heap)>();
        for (int h = 0; h < input.Heaps.Heaps.Count; h++)
        {
            var walkNotes = new List<string>();
            int count = 0;
            foreach (var b in input.Heaps.Heaps[h].Blocks(walkNotes))
            {
                if (++count > MaxBlocksPerHeap) { walkNotes.Add($"more than {MaxBlocksPerHeap:N0} blocks: the rest are not counted"); break; }
                if (b.State == HeapBlockState.Busy) busy.Add((b, h));
            }
            notes.AddRange(walkNotes.Select(n => $"heap {Hex(summaries[h].Address, input.PointerSize)}: {n}"));
        }
        busy.Sort((a, b) => a.Block.UserAddress.CompareTo(b.Block.UserAddress));
        busy = DropOverlaps(busy, notes);

        var reach = BlockReachability.Compute(input.Memory, input.PointerSize, busy.Select(b => b.Block).ToList(), input.RegisterValues, input.ScanEnd);
        if (reach.Truncated) notes.Add($"more than {BlockReachability.MaxBlocks:N0} busy blocks: the rest count as referenced");

        var figures = new List<HeapLeakFigures>();
        var byHeap = Enumerable.Range(0, busy.Count).ToLookup(i => busy[i].Heap);
        bool Lost(int i) => i < reach.Reachable.Length && !reach.Reachable[i];
        ulong Bytes(IEnumerable<int> blocks) => blocks.Aggregate(0UL, (s, i) => s + busy[i].Block.UserSize);
        for (int h = 0; h < summaries.Count; h++)
        {
            var mine = byHeap[h].ToList();
            var classes = mine.GroupBy(i => busy[i].Block.UserSize)
                .Select(g => new HeapSizeClass(g.Key, g.Count(), Bytes(g), g.Count(Lost)))
                .OrderByDescending(c => c.TotalBytes).ThenBy(c => c.UserSize).Take(topSizeClasses).ToList();
            var lost = mine.Where(Lost).ToList();
            ulong repeated = Bytes(lost.GroupBy(i => busy[i].Block.UserSize).Where(g => g.Count() >= RepeatedClassBlocks).SelectMany(g => g));
            figures.Add(new HeapLeakFigures(summaries[h], mine.Count, Bytes(mine), lost.Count, Bytes(lost), repeated, classes,
                lost.Take(5).Select(i => busy[i].Block.UserAddress).ToList()));
        }
        figures = figures.OrderByDescending(f => f.Summary.CommittedBytes).ToList();

        var (suspect, reason) = PickSuspect(figures, input.PointerSize);
        var references = suspect == null ? [] :
            HandleReferenceFinder.Find(input, suspect.Summary.Address, summaries.SelectMany(s => s.Ranges).ToList());
        var owner = HandleReferenceFinder.Owner(references);
        if (suspect != null && owner == null)
            notes.Add($"no module global holds {Hex(suspect.Summary.Address, input.PointerSize)}: the heap handle may be kept in heap memory or on a stack (see the references), or the module's data is not in the dump");

        // A leak shows in committed memory; reserved ranges (Wine's WoW64 reserves ~1.5 GB up front) say little.
        string? dominant = input.Usage.Count == 0 ? null
            : input.Usage.All(u => u.CommittedBytes != null) ? input.Usage.MaxBy(u => u.CommittedBytes)!.Usage
            : input.Usage.MaxBy(u => u.Bytes)!.Usage;
        return new HeapLeakReport(input.DumpPath, input.PointerSize, input.Usage, dominant, figures, suspect, reason,
            references, owner, reach.BytesScanned, NextSteps(suspect, owner, input.PointerSize), notes.Distinct().ToList());
    }

    /// <summary>
    /// A leak leaves many lost blocks of the same size (one code path allocating again and again). Lost
    /// blocks of a size seen fewer than this many times are weaker evidence: their pointers may sit in
    /// memory the dump lacks (a system DLL's globals in a private-memory dump), so they count only when
    /// no heap has repeated lost blocks.
    /// </summary>
    public const int RepeatedClassBlocks = 8;

    private static (HeapLeakFigures?, string) PickSuspect(IReadOnlyList<HeapLeakFigures> heaps, int pointerSize)
    {
        if (heaps.Count == 0) return (null, "no heap could be read");
        var repeated = heaps.MaxBy(h => h.RepeatedUnreferencedBytes)!;
        var lost = repeated.RepeatedUnreferencedBytes >= MinimumLeakBytes ? repeated : heaps.MaxBy(h => h.UnreferencedBytes)!;
        if (lost.UnreferencedBytes >= MinimumLeakBytes)
        {
            string biggest = ReferenceEquals(lost, heaps[0]) ? "it is also the biggest heap" :
                $"the biggest heap, {Hex(heaps[0].Summary.Address, pointerSize)} ({Kb(heaps[0].Summary.CommittedBytes)} committed), has {Kb(heaps[0].UnreferencedBytes)} unreferenced";
            string how = ReferenceEquals(lost, repeated) && repeated.RepeatedUnreferencedBytes >= MinimumLeakBytes
                ? $"{Kb(lost.RepeatedUnreferencedBytes)} of them in sizes lost {RepeatedClassBlocks} or more times"
                : $"no heap loses {RepeatedClassBlocks} or more blocks of one size, so this is the most bytes lost";
            return (lost, $"{lost.UnreferencedBlocks.ToString("N0", CultureInfo.InvariantCulture)} busy blocks ({Kb(lost.UnreferencedBytes)}) that nothing in the dump points to any more, {how}; {biggest}");
        }
        return (heaps[0], $"no heap holds {Kb(MinimumLeakBytes)} or more in unreferenced blocks (a leak that keeps its pointers, such as a growing list, looks like use): the biggest heap by committed bytes is examined");
    }

    private static List<(HeapBlock Block, int Heap)> DropOverlaps(List<(HeapBlock Block, int Heap)> sorted, List<string> notes)
    {
        var kept = new List<(HeapBlock Block, int Heap)>(sorted.Count);
        ulong end = 0;
        int dropped = 0;
        foreach (var b in sorted)
        {
            if (kept.Count > 0 && b.Block.UserAddress < end) { dropped++; continue; }
            kept.Add(b);
            end = b.Block.UserAddress + Math.Max(b.Block.UserSize, 1);
        }
        if (dropped > 0) notes.Add($"{dropped} busy block(s) overlap others (heap corruption or two walkers over one range): left out");
        return kept;
    }

    private static IReadOnlyList<string> NextSteps(HeapLeakFigures? suspect, HandleReference? owner, int pointerSize)
    {
        var steps = new List<string>();
        if (suspect == null)
        {
            steps.Add("!address -summary: see which memory type dominates when it is not heap");
            return steps;
        }
        string heap = Hex(suspect.Summary.Address, pointerSize);
        steps.Add($"!heap -stat -h {heap}: the size classes of the suspect heap");
        if (suspect.SampleUnreferenced.Count > 0)
            steps.Add($"dc {Hex(suspect.SampleUnreferenced[0], pointerSize)}: read an unreferenced block; text and pointers in it often name what allocated it");
        steps.Add(pointerSize == 8
            ? $"s -q 0 L?7fffffffffffffff {heap}; ln <hit>: the globals holding the heap handle"
            : $"s -d 0 L?ffffffff {heap}; ln <hit>: the globals holding the heap handle");
        if (owner?.Module is { } module)
            steps.Add($"lmvm {module}: the version of the owning module; look for a known leak fixed in a later version");
        steps.Add("on the live system: gflags /i <process image> +ust, then two umdh snapshots a while apart give the allocating call stacks");
        return steps;
    }

    public static string Hex(ulong value, int pointerSize) =>
        pointerSize == 8 ? $"{value >> 32:x8}`{value & 0xffffffff:x8}" : $"{value:x8}";

    public static string Kb(ulong bytes) => (bytes / 1024.0).ToString("N0", CultureInfo.InvariantCulture) + " KB";
}
