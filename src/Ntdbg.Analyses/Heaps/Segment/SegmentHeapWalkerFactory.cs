namespace Ntdbg.Analyses.Heaps.Segment;

/// <summary>Opens <see cref="SegmentHeapWalker"/> on a heap whose `_SEGMENT_HEAP.Signature` is 0xDDEEDDEE.</summary>
public sealed class SegmentHeapWalkerFactory : IHeapWalkerFactory
{
    public HeapKind Kind => HeapKind.SegmentHeap;

    public IHeapWalker? TryOpen(HeapReadContext context, ulong heapAddress, List<string> notes)
    {
        var layoutNotes = new List<string>();
        var layout = SegmentHeapLayout.Load(context, layoutNotes);
        if (layout != null) return SegmentHeapWalker.TryOpen(context, heapAddress, layout);
        // Signature is at 0x10 in every x64 build's _SEGMENT_HEAP (after EnvHandle); 0x8 on x86.
        if (new HeapMemory(context.Memory, context.PointerSize).UInt32(heapAddress + (context.PointerSize == 8 ? 0x10UL : 0x8UL)) == SegmentHeapLayout.Signature)
            notes.Add($"heap {heapAddress:x} looks like a segment heap, but " + layoutNotes[0]);
        return null;
    }
}
