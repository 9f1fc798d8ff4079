using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// The classic kernel pool of Windows 7 to 10 1809: each pool page is cut into blocks, each
/// starting with a POOL_HEADER whose BlockSize reaches the next header and whose PreviousSize
/// points back, the first with PreviousSize 0 and the last ending exactly at the page's end.
/// A chain that breaks that rule is reported as corrupt where it breaks.
/// </summary>
public sealed class ClassicPoolPageWalker(DebugSession session) : IPoolPageWalker
{
    public const ulong PageSize = 0x1000;
    // Kernel space (the upper canonical half on x64, the upper 2 GiB on x86); !poolfind scans what of it the dump holds.
    private const ulong KernelSpaceStart64 = 0xFFFF_8000_0000_0000, KernelSpaceStart32 = 0x8000_0000;
    // 16 GiB of present kernel pages: more than any pool, finite for a corrupt set of page tables.
    private const long MaxScannedPages = 1 << 22;

    public PoolPageListing? ListPage(ulong address, List<string> notes)
    {
        if (PoolHeaderLayout.For(session, notes) is not { } layout) return null;
        ulong page = address & ~(PageSize - 1);
        var bytes = new byte[PageSize];
        if (session.Memory.Read(page, bytes, out var fault) < bytes.Length)
        {
            notes.Add($"Pool page {Format(page)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        var walk = Walk(layout, page, bytes);
        List<string> pageNotes = walk.Problem == null ? [] : [$"Pool page {Format(page)} is corrupt: {walk.Problem}"];
        notes.AddRange(pageNotes);
        return new PoolPageListing(page, RegionName(walk.Chunks), walk.Chunks, pageNotes);
    }

    public IEnumerable<PoolChunk> Chunks(List<string> notes)
    {
        if (PoolHeaderLayout.For(session, notes) is not { } layout) yield break;
        if (session.Target is not KernelDumpTarget { AddressSpace: { } space })
        {
            notes.Add("this dump has no page tables, so the pool pages cannot be enumerated");
            yield break;
        }
        // Find the pages whose headers chain correctly first (one pass over the page tables), then read them again one by one.
        var pages = new List<ulong>();
        long scanned = 0;
        space.VisitChunks(session.PointerSize == 4 ? KernelSpaceStart32 : KernelSpaceStart64, ulong.MaxValue, (address, data) =>
        {
            for (int offset = 0; offset + (int)PageSize <= data.Length; offset += (int)PageSize)
            {
                if (++scanned > MaxScannedPages) return false;
                ulong page = address + (ulong)offset;
                if (Walk(layout, page, data.Slice(offset, (int)PageSize)).Problem == null) pages.Add(page);
            }
            return true;
        });
        notes.Add($"searched the {Math.Min(scanned, MaxScannedPages)} kernel pages the dump holds: {pages.Count} are pool pages whose header chain is sound");
        if (scanned > MaxScannedPages) notes.Add($"stopped after {MaxScannedPages} present kernel pages: pool pages beyond them were not searched");
        var bytes = new byte[PageSize];
        foreach (ulong page in pages)
        {
            if (session.Memory.Read(page, bytes, out _) < bytes.Length) continue;
            var walk = Walk(layout, page, bytes);
            if (walk.Problem != null) continue;
            foreach (var chunk in walk.Chunks) yield return chunk;
        }
    }

    /// <summary>
    /// Whether the page's region is paged or nonpaged pool, by its allocated blocks' pool types
    /// (a page serves one pool; free blocks carry no type).
    /// </summary>
    private static string RegionName(IReadOnlyList<PoolChunk> chunks) =>
        chunks.Any(c => c.Allocated) ? chunks.Any(c => c.Allocated && c.Paged) ? "Paged pool" : "Nonpaged pool" : "Unknown pool (no allocated blocks)";

    private string Format(ulong address) => Hex.Pointer(address, session.PointerSize).Replace("`", "", StringComparison.Ordinal);

    private sealed record PageWalk(List<PoolChunk> Chunks, string? Problem);

    /// <summary>Follows the header chain from the page's start; stops at the first header that breaks the chain.</summary>
    private PageWalk Walk(PoolHeaderLayout layout, ulong page, ReadOnlySpan<byte> bytes)
    {
        var chunks = new List<PoolChunk>();
        ulong offset = 0, previous = 0;
        while (offset < PageSize)
        {
            var h = layout.Decode(bytes.Slice((int)offset, (int)layout.Size));
            ulong at = page + offset;
            if (h.PreviousSize != previous)
                return new(chunks, $"{Format(at)} has previous size {h.PreviousSize:x}, but the block before it is {previous:x} bytes");
            if (h.BlockSize == 0)
                return new(chunks, $"{Format(at)} has block size 0");
            if (offset + h.BlockSize > PageSize)
                return new(chunks, $"{Format(at)} has size {h.BlockSize:x}, past the page's end");
            chunks.Add(new PoolChunk(at, h.BlockSize, h.PreviousSize, h.Tag, h.Allocated, h.Paged, PoolChunkSource.ClassicPage));
            previous = h.BlockSize;
            offset += h.BlockSize; // BlockSize >= one header, so at most PageSize / header size steps
        }
        // A free block has no pool type: it belongs to the page's pool.
        bool paged = chunks.Any(c => c.Allocated && c.Paged);
        for (int i = 0; i < chunks.Count; i++)
            if (!chunks[i].Allocated) chunks[i] = chunks[i] with { Paged = paged };
        return new(chunks, null);
    }
}
