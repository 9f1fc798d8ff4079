using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Pool.SegmentHeap;

/// <summary>
/// The pool of Windows 10 19H1 and later, where ExAllocatePoolWithTag allocates from segment heaps
/// (nt!ExPoolState.PoolNode[node].Heaps[type]): small blocks from LFH subsegments, the rest up to
/// about a page from VS subsegments, each with a POOL_HEADER. Larger allocations have no header
/// and are listed in nt!PoolBigPageTable instead (another walker's job). See docs/kernel-pool.md.
/// </summary>
public sealed class SegmentHeapPoolWalker(DebugSession session) : IPoolPageWalker
{
    private const ulong PageSize = 0x1000;
    // !poolfind reads every chunk of every pool segment; a damaged dump must not make that endless.
    public const int MaxChunks = 4_000_000;

    private readonly PoolMemory _memory = new(session);

    /// <summary>The chunks of the pool page holding an address, or null (with notes) when no segment-heap subsegment holds it.</summary>
    public PoolPageListing? ListPage(ulong address, List<string> notes)
    {
        var pool = PoolHeaps.Read(session, notes);
        if (pool == null) return null;
        var ranges = new PageRanges(pool, _memory);
        var contexts = ranges.Contexts(notes);
        if (ranges.SegmentOf(address, contexts) is not var (segment, context))
        {
            notes.Add($"{_memory.Pointer(address)} is in no segment of the {pool.Heaps.Count} pool heaps (no segment signature there matches a heap's): not segment-heap pool, a big-pool allocation, or missing from the dump");
            return null;
        }
        var range = ranges.RangeOf(address, segment, context, notes);
        if (range == null) return null;
        var pageNotes = new List<string>();
        var chunks = Chunks(pool, range, pageNotes);
        if (chunks == null)
        {
            notes.Add($"{_memory.Pointer(address)} is in a {range.Length:x}-byte page range at {_memory.Pointer(range.Start)} of the {range.Heap.TypeName} heap that is neither an LFH nor a VS subsegment: allocations that large have no POOL_HEADER and are listed in nt!PoolBigPageTable");
            return null;
        }
        ulong page = address & ~(PageSize - 1);
        // The whole subsegment is walked (VS chunks are found only from its start); the page's chunks are those overlapping it.
        var onPage = chunks.Where(c => c.Address < page + PageSize && c.Address + c.Size > page).ToList();
        notes.AddRange(pageNotes);
        return new PoolPageListing(page, range.Heap.Paged ? "Paged pool" : "Nonpaged pool", onPage, pageNotes);
    }

    /// <summary>Every chunk of every LFH and VS subsegment of every pool heap, heap by heap and in address order within a segment (at most <see cref="MaxChunks"/>).</summary>
    public IEnumerable<PoolChunk> Chunks(List<string> notes)
    {
        var pool = PoolHeaps.Read(session, notes);
        if (pool == null) yield break;
        var ranges = new PageRanges(pool, _memory);
        int count = 0;
        foreach (var context in ranges.Contexts(notes))
            foreach (ulong segment in ranges.Segments(context, notes))
                foreach (var range in ranges.RangesIn(segment, context, notes))
                    foreach (var chunk in Chunks(pool, range, notes) ?? [])
                    {
                        if (++count > MaxChunks)
                        {
                            notes.Add($"more than {MaxChunks} segment-heap pool chunks: the rest are not searched");
                            yield break;
                        }
                        yield return chunk;
                    }
    }

    /// <summary>The chunks of a subsegment page range, or null when the range is not a subsegment.</summary>
    private IEnumerable<PoolChunk>? Chunks(PoolHeaps pool, PageRange range, List<string> notes)
    {
        if (range.RangeType == pool.Layout.RangeTypeLfh) return new LfhSubsegmentReader(pool, _memory).Chunks(range, notes);
        if (range.RangeType == pool.Layout.RangeTypeVs) return new VsSubsegmentReader(pool, _memory).Chunks(range, notes);
        return null;
    }
}
