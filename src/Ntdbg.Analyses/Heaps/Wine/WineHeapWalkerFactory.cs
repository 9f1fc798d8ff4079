namespace Ntdbg.Analyses.Heaps.Wine;

/// <summary>
/// Recognises Wine's heap: the Windows-compatible 0xffeeffee signature (which the NT heap carries too)
/// and Wine's own "HEAP" magic after its heap-list links. Both are needed, so an NT heap is never taken
/// for a Wine one.
/// </summary>
public sealed class WineHeapWalkerFactory : IHeapWalkerFactory
{
    public HeapKind Kind => HeapKind.WineHeap;

    public IHeapWalker? TryOpen(HeapReadContext context, ulong heapAddress, List<string> notes)
    {
        if (context.PointerSize is not (4 or 8)) return null;
        var layout = WineHeapLayout.For(context.PointerSize);
        var memory = new WineMemory(context);
        if (memory.UInt32(heapAddress + layout.SignatureOffset) != WineHeapLayout.Signature) return null;
        if (memory.UInt32(heapAddress + layout.MagicOffset) != WineHeapLayout.Magic) return null;
        return new WineHeapWalker(context, heapAddress);
    }
}
