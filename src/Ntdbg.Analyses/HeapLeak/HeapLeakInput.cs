using Ntdbg.Analyses.Heaps;
using Ntdbg.Core.Memory;

namespace Ntdbg.Analyses.HeapLeak;

/// <summary>A module image's range, for telling a global that holds the heap handle from other hits.</summary>
public sealed record ModuleRange(string Name, ulong Base, ulong End);

/// <summary>A thread's stack as the dump captured it.</summary>
public sealed record StackRange(uint ThreadId, ulong Low, ulong High);

/// <summary>What the leak triage reads: the process's memory, its heaps, modules, stacks and registers, and a namer for addresses.</summary>
public sealed record HeapLeakInput(
    string DumpPath,
    IVirtualMemory Memory,
    int PointerSize,
    HeapList Heaps,
    IReadOnlyList<ModuleRange> Modules,
    IReadOnlyList<StackRange> Stacks,
    IReadOnlyList<ulong> RegisterValues,
    Func<ulong, string?> Symbolize,
    IReadOnlyList<MemoryUsageShare> Usage,
    IReadOnlyList<string> UsageNotes)
{
    /// <summary>The top of the user address space for this pointer size (what `s -q 0 L?7fffffffffffffff` covers).</summary>
    public ulong ScanEnd => PointerSize == 8 ? 0x7fff_ffff_ffffUL : 0xffff_ffffUL;
}
