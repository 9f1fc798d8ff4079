using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Analyses.Heaps;

/// <summary>
/// What a heap walker reads with: the process's memory, its pointer size, and the heap types
/// (`_HEAP`, `_HEAP_ENTRY`, `_SEGMENT_HEAP`, ...) from ntdll's symbols — or, in tests, from the kernel's
/// symbol tables, which carry the same Rtl heap. <see cref="FindType"/> returns null when no symbols
/// have the type; walkers then fall back to known layouts or say what they cannot read.
/// </summary>
public sealed record HeapReadContext(IVirtualMemory Memory, int PointerSize, Func<string, UdtType?> FindType);

/// <summary>Recognises one allocator's heap by its signature and opens a walker on it.</summary>
public interface IHeapWalkerFactory
{
    HeapKind Kind { get; }

    /// <summary>A walker when the heap at <paramref name="heapAddress"/> carries this allocator's signature, else null.</summary>
    IHeapWalker? TryOpen(HeapReadContext context, ulong heapAddress, List<string> notes);
}
