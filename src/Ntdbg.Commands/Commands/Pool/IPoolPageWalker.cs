namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// One pool allocator's reader of small (sub-page) allocations: the classic POOL_HEADER chains of
/// Windows 7 to 10 1809 (<see cref="ClassicPoolPageWalker"/>) or the 19H1+ segment heap. !pool asks
/// it for the page holding an address, !poolfind for every chunk it can find. Big allocations
/// (nt!PoolBigPageTable) are read separately by <see cref="BigPoolTableReader"/> on every build.
/// Implementations never trust the dump: sizes are range-checked, walks bounded, and anything they
/// cannot read or that does not add up goes into <paramref name="notes"/> as one line.
/// </summary>
public interface IPoolPageWalker
{
    /// <summary>
    /// The chunks of the pool page (or segment-heap subsegment) holding <paramref name="address"/>,
    /// in address order; null (with a note saying why) when the address is in no page this
    /// allocator knows or the page is not in the dump.
    /// </summary>
    PoolPageListing? ListPage(ulong address, List<string> notes);

    /// <summary>
    /// Every chunk of every pool page the walker can find (bounded; a note says when it stopped
    /// early), lazily so !poolfind can filter by tag without holding them all.
    /// </summary>
    IEnumerable<PoolChunk> Chunks(List<string> notes);
}
