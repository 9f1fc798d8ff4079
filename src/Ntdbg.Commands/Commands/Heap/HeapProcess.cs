using Ntdbg.Analyses.AddressMap;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.Heap;

/// <summary>
/// The process's heaps for `!heap`, `!address` and `ntdbg triage leak` alike: memory, pointer size and
/// the heap types from ntdll's symbols first, then the kernel's (which carry the same Rtl heap), found
/// from the threads' TEBs (the PEB's list, Wine's own heap ring) and, where the memory-info stream
/// shows private allocations no list names, by the walkers' signatures there.
/// </summary>
public static class HeapProcess
{
    public static HeapReadContext Context(DebugSession session) =>
        new(session.Memory, session.PointerSize, name => FindType(session, name));

    public static HeapList Find(DebugSession session)
    {
        var threads = session.Target.Threads;
        if (threads.Count == 0)
            return new HeapList(null, null, [], ["the dump has no threads, so no TEB leads to the PEB and its heap list"]);
        var context = Context(session);
        var heaps = HeapFinder.Find(context, threads.Select(t => t.Teb));
        return session.Target is IUserTarget user
            ? HeapProbe.WithUnlistedHeaps(heaps, context, user.MemoryRegions, HeapWalkerFactories.All)
            : heaps;
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
