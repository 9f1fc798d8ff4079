using Ntdbg.Analyses.Heaps;
using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.HeapLeak;

/// <summary>
/// The playbook's `s -q 0 L?7fffffffffffffff &lt;heap&gt;` then `ln` on each hit: every pointer-aligned value
/// equal to the heap handle, sorted into module globals (named with symbols), stacks, heap memory and the
/// rest. The owner is the first global in a module that is not part of the system (ntdll, kernel32 and the
/// like keep every heap in their lists); a global in a system module is the owner only when nothing else is.
/// </summary>
public static class HandleReferenceFinder
{
    public const int MaxHits = 10_000;

    public static IReadOnlyList<HandleReference> Find(HeapLeakInput input, ulong handle, IReadOnlyList<HeapRange> heapRanges)
    {
        var hits = new List<ulong>();
        // `s -q`/`s -d` itself: the value's bytes at pointer-aligned addresses, over every chunk the dump holds.
        var value = new byte[input.PointerSize];
        if (input.PointerSize == 8) BitConverter.TryWriteBytes(value, handle); else BitConverter.TryWriteBytes(value, (uint)handle);
        MemorySearcher.Search(input.Memory, 0, input.ScanEnd, value, input.PointerSize, MaxHits, hits.Add);
        // Globals first (the playbook looks for "an address inside of a loaded module"), then in address order.
        return hits.Select(h => Classify(input, h, heapRanges)).OrderBy(r => r.Kind).ThenBy(r => r.Address).ToList();
    }

    /// <summary>
    /// The global that owns the heap: in a module outside the system, a symbol that starts exactly there
    /// (`useheap!Blob::m_Heap`) before one inside a bigger object (`app!table+0x58`), before an unnamed hit.
    /// </summary>
    public static HandleReference? Owner(IReadOnlyList<HandleReference> references) =>
        references.Where(r => r.Kind == HandleReferenceKind.ModuleData && r.Module != null && !IsSystemName(r.Module))
            .OrderBy(r => r.Symbol == null ? 2 : r.Symbol.Contains('+') ? 1 : 0)
            .FirstOrDefault();

    private static bool IsSystemName(string module) => SystemModules.Contains(module);

    /// <summary>Modules that keep every heap of the process in their own lists: a hit there names no owner.</summary>
    public static readonly HashSet<string> SystemModules = new(StringComparer.OrdinalIgnoreCase)
    {
        "ntdll", "kernel32", "kernelbase", "msvcrt", "ucrtbase", "wow64", "wow64win", "wow64cpu",
    };

    private static HandleReference Classify(HeapLeakInput input, ulong at, IReadOnlyList<HeapRange> heapRanges)
    {
        var module = input.Modules.FirstOrDefault(m => at >= m.Base && at < m.End);
        if (module != null)
            return new HandleReference(at, HandleReferenceKind.ModuleData, module.Name, input.Symbolize(at), $"in {module.Name}");
        var stack = input.Stacks.FirstOrDefault(s => at >= s.Low && at < s.High);
        if (stack != null)
            return new HandleReference(at, HandleReferenceKind.ThreadStack, null, null, $"stack of thread {stack.ThreadId:x}");
        if (input.Heaps.Peb is { } peb && at >= peb && at < peb + 0x1000)
            return new HandleReference(at, HandleReferenceKind.ProcessHeapList, null, null, "the PEB");
        if (heapRanges.Any(r => r.Contains(at)))
            return new HandleReference(at, HandleReferenceKind.HeapBlock, null, null, "heap memory");
        return new HandleReference(at, HandleReferenceKind.Other, null, null, null);
    }
}
