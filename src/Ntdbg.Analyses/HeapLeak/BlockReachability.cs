using Ntdbg.Analyses.Heaps;
using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.HeapLeak;

/// <summary>
/// Which busy heap blocks the process could still reach, the way a conservative collector (and
/// WinDbg's `!heap -l`) decides it: every pointer-aligned value in memory outside busy blocks, and every
/// thread's registers, is a root; a root that points into a busy block's user bytes reaches it, and a
/// reached block's own values reach further. A block nothing reaches is leaked: the program has lost
/// every pointer to it. Pointers to a block's header (allocator links) do not count, only pointers into
/// the bytes the program was given. Memory the dump does not hold is not scanned, so a dump missing
/// the memory that refers to a block can only make it look leaked — the result says how much was scanned.
/// </summary>
public static class BlockReachability
{
    /// <summary>Blocks beyond this are not tracked (memory for the edge lists grows with them).</summary>
    public const int MaxBlocks = 20_000_000;

    public sealed record Result(bool[] Reachable, ulong BytesScanned, int RootReferences, bool Truncated);

    /// <param name="blocks">Busy blocks, sorted by <see cref="HeapBlock.UserAddress"/>, not overlapping.</param>
    public static Result Compute(IVirtualMemory memory, int pointerSize, IReadOnlyList<HeapBlock> blocks, IEnumerable<ulong> registerValues, ulong scanEnd)
    {
        int n = Math.Min(blocks.Count, MaxBlocks);
        var starts = new ulong[n];
        var ends = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            starts[i] = blocks[i].UserAddress;
            ends[i] = blocks[i].UserAddress + Math.Max(blocks[i].UserSize, 1);
        }
        var reachable = new bool[n];
        if (n == 0) return new Result(reachable, 0, 0, blocks.Count > n);
        ulong low = starts[0], high = ends[n - 1];
        var pending = new Stack<int>();
        // Edges from one block to another, found during the single pass over memory: (from, to).
        var edgesFrom = new List<int>();
        var edgesTo = new List<int>();
        int roots = 0;

        int Find(ulong value)
        {
            if (value < low || value >= high) return -1;
            int lo = 0, hi = n - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= value) lo = mid + 1; else hi = mid - 1;
            }
            return hi >= 0 && value < ends[hi] ? hi : -1;
        }

        void Root(ulong value)
        {
            int target = Find(value);
            if (target < 0 || reachable[target]) return;
            reachable[target] = true;
            roots++;
            pending.Push(target);
        }

        foreach (ulong r in registerValues) Root(r);

        ulong scanned = 0;
        int cursor = 0; // the first block whose end lies above the current word (words come in address order)
        memory.VisitChunks(0, scanEnd, (address, data) =>
        {
            int skip = (int)((ulong)pointerSize - address % (ulong)pointerSize) % pointerSize;
            scanned += (ulong)data.Length;
            for (int off = skip; off + pointerSize <= data.Length; off += pointerSize)
            {
                ulong value = pointerSize == 8
                    ? BitConverter.ToUInt64(data.Slice(off, 8))
                    : BitConverter.ToUInt32(data.Slice(off, 4));
                if (value < low || value >= high) continue;
                int target = Find(value);
                if (target < 0) continue;
                ulong at = address + (ulong)off;
                while (cursor < n && ends[cursor] <= at) cursor++;
                bool insideBlock = cursor < n && starts[cursor] <= at;
                if (!insideBlock)
                {
                    if (!reachable[target]) { reachable[target] = true; roots++; pending.Push(target); }
                }
                else if (cursor != target)
                {
                    edgesFrom.Add(cursor);
                    edgesTo.Add(target);
                }
            }
            return true;
        });

        // Edges grouped by source (counting sort), then a depth-first walk from every root-reached block.
        var firstEdge = new int[n + 1];
        foreach (int f in edgesFrom) firstEdge[f + 1]++;
        for (int i = 0; i < n; i++) firstEdge[i + 1] += firstEdge[i];
        var next = new int[edgesTo.Count];
        var fill = (int[])firstEdge.Clone();
        for (int e = 0; e < edgesFrom.Count; e++) next[fill[edgesFrom[e]]++] = edgesTo[e];
        while (pending.Count > 0)
        {
            int b = pending.Pop();
            for (int e = firstEdge[b]; e < firstEdge[b + 1]; e++)
            {
                int t = next[e];
                if (reachable[t]) continue;
                reachable[t] = true;
                pending.Push(t);
            }
        }
        return new Result(reachable, scanned, roots, blocks.Count > n);
    }
}
