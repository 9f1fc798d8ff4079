using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Picks the small-allocation walker for the dump's kernel. Classic pool kernels keep their pool
/// descriptors (nt!ExpNonPagedPoolDescriptor / nt!PoolVector); 19H1+ kernels dropped them and
/// allocate through nt!ExPoolState's segment heaps. (Windows 10 1809 already has ExPoolState and
/// _SEGMENT_HEAP in its symbols but still allocates from classic pool pages, so the descriptors
/// decide, not ExPoolState.)
/// </summary>
public static class PoolPageWalkers
{
    public static bool IsClassic(DebugSession session) =>
        session.SymbolTable.TryResolve("nt!ExpNonPagedPoolDescriptor", out _) || session.SymbolTable.TryResolve("nt!PoolVector", out _)
        || !session.SymbolTable.TryResolve("nt!ExPoolState", out _);

    /// <summary>The walker for this kernel: classic pool pages, or the 19H1+ segment heap (<see cref="SegmentHeap.SegmentHeapPoolWalker"/>).</summary>
    public static IPoolPageWalker? For(DebugSession session, List<string> notes)
    {
        if (IsClassic(session)) return new ClassicPoolPageWalker(session);
        return new SegmentHeap.SegmentHeapPoolWalker(session);
    }
}
