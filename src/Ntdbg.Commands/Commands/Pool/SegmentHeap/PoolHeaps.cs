using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>One segment heap the pool allocates from: which NUMA node's, and which _EX_HEAP_TYPE (nonpaged, nonpaged NX, paged, ...).</summary>
public sealed record PoolHeap(ulong Address, int Node, int HeapType, string TypeName, bool Paged);

/// <summary>
/// What every segment-heap pool walk starts from: the layout from the symbols, the two keys in
/// nt!RtlpHpHeapGlobals, and the heaps nt!ExPoolState lists per node (PoolNode[n].Heaps[t]).
/// </summary>
public sealed record PoolHeaps(SegmentHeapLayout Layout, ulong HeapKey, ulong LfhKey, IReadOnlyList<PoolHeap> Heaps)
{
    public static PoolHeaps? Read(DebugSession session, List<string> notes)
    {
        if (!session.SymbolTable.TryResolve("nt!ExPoolState", out ulong state) || !session.SymbolTable.TryResolve("nt!RtlpHpHeapGlobals", out ulong globals))
        {
            notes.Add("nt!ExPoolState or nt!RtlpHpHeapGlobals is not in the kernel's symbols: this kernel has no segment-heap pool (Windows 10 19H1 and later have one)");
            return null;
        }
        var layout = SegmentHeapLayout.Load(session, notes);
        if (layout == null) return null;
        var memory = new PoolMemory(session);
        ulong? heapKey = memory.Number(globals + layout.GlobalsHeapKey, 8, "nt!RtlpHpHeapGlobals.HeapKey", notes);
        ulong? lfhKey = memory.Number(globals + layout.GlobalsLfhKey, 8, "nt!RtlpHpHeapGlobals.LfhKey", notes);
        if (heapKey is null || lfhKey is null) return null;

        ulong? pools = memory.Number(state + layout.PoolStateNumberOfPools, 4, "nt!ExPoolState.NumberOfPools", notes);
        if (pools is null) return null;
        ulong nodes = pools.Value;
        if (nodes == 0 || nodes > layout.PoolNodeCount)
        {
            notes.Add($"nt!ExPoolState.NumberOfPools is {nodes}, outside 1..{layout.PoolNodeCount}: node 0 alone is read");
            nodes = 1;
        }
        var typeEnum = session.SymbolTable.FindType("nt!_EX_HEAP_TYPE")?.Type as EnumType;
        var heaps = new List<PoolHeap>();
        for (ulong n = 0; n < nodes; n++)
        {
            ulong heapsField = state + layout.PoolStatePoolNode + n * layout.PoolNodeSize + layout.PoolNodeHeaps;
            var pointers = memory.Bytes(heapsField, (int)(layout.HeapsPerNode * 8), $"nt!ExPoolState.PoolNode[{n}].Heaps", notes);
            if (pointers == null) continue;
            for (int t = 0; t < (int)layout.HeapsPerNode; t++)
            {
                ulong heap = BitConverter.ToUInt64(pointers, t * 8);
                if (heap == 0) continue;
                string name = typeEnum?.Constants.FirstOrDefault(c => c.Value == t && !c.Name.EndsWith("Min", StringComparison.Ordinal) && !c.Name.EndsWith("Max", StringComparison.Ordinal)).Name is { } full
                    ? full.Replace("ExHeapType", "", StringComparison.Ordinal)
                    : $"heap type {t}";
                heaps.Add(new PoolHeap(heap, (int)n, t, name, t >= layout.PagedHeapTypeMin));
            }
        }
        if (heaps.Count == 0) notes.Add("nt!ExPoolState lists no pool heaps");
        return new PoolHeaps(layout, heapKey.Value, lfhKey.Value, heaps);
    }
}
