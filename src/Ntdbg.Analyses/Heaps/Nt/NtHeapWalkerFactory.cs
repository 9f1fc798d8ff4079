namespace Ntdbg.Analyses.Heaps.Nt;

/// <summary>Opens <see cref="NtHeapWalker"/> on a heap whose `_HEAP.Signature` is HEAP_SIGNATURE (0xEEFFEEFF).</summary>
public sealed class NtHeapWalkerFactory : IHeapWalkerFactory
{
    public HeapKind Kind => HeapKind.NtHeap;

    public IHeapWalker? TryOpen(HeapReadContext context, ulong heapAddress, List<string> notes)
    {
        var layoutNotes = new List<string>();
        var layout = NtHeapLayout.Load(context, layoutNotes);
        if (layout == null)
        {
            // Without the types the signature's place is unknown; say so only when the documented x64/x86 places hold it.
            if (LooksLikeNtHeap(context, heapAddress)) notes.Add($"heap {heapAddress:x} looks like an NT heap, but " + layoutNotes[0]);
            return null;
        }
        return NtHeapWalker.TryOpen(context, heapAddress, layout);
    }

    /// <summary>HEAP_SIGNATURE at `_HEAP.Signature` of x64 Windows 8+ (0x98), x64 Windows 7 (0xA0) or x86 (0x58, 0x64).</summary>
    private static bool LooksLikeNtHeap(HeapReadContext context, ulong heapAddress)
    {
        var memory = new HeapMemory(context.Memory, context.PointerSize);
        ulong[] places = context.PointerSize == 8 ? [0x98, 0xA0] : [0x58, 0x64];
        return places.Any(p => memory.UInt32(heapAddress + p) == NtHeapLayout.Signature);
    }
}
