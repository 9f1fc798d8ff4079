using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Heap;

/// <summary>
/// The process's heaps for the `!heap` forms: memory, pointer size and the heap types from ntdll's
/// symbols first, then the kernel's (which carry the same Rtl heap), found from the threads' TEBs.
/// </summary>
internal static class HeapProcess
{
    public static HeapReadContext Context(DebugSession session) =>
        new(session.Memory, session.PointerSize, name => FindType(session, name));

    public static HeapList Find(DebugSession session)
    {
        var threads = session.Target.Threads;
        if (threads.Count == 0)
            return new HeapList(null, null, [], ["the dump has no threads, so no TEB leads to the PEB and its heap list"]);
        return HeapFinder.Find(Context(session), threads.Select(t => t.Teb));
    }

    /// <summary>The heap with this handle, or null with the reason added to <paramref name="notes"/>.</summary>
    public static IHeapWalker? Single(HeapList heaps, ulong handle, List<string> notes)
    {
        var heap = heaps.Heaps.FirstOrDefault(h => h.Address == handle);
        if (heap == null)
            notes.Add($"{handle:x} is not one of the process's heaps ({heaps.Heaps.Count} found{(heaps.Heaps.Count == 0 ? "" : ": " + string.Join(", ", heaps.Heaps.Select(h => h.Address.ToString("x"))))})");
        return heap;
    }

    /// <summary>The granularity sizes are counted in: 16 bytes for 64-bit heaps, 8 for 32-bit ones.</summary>
    public static int Granularity(int pointerSize) => 2 * pointerSize;

    private static UdtType? FindType(DebugSession session, string name) =>
        session.SymbolTable.FindType("ntdll!" + name)?.Type as UdtType ?? session.SymbolTable.FindType("nt!" + name)?.Type as UdtType;
}
