using Ntdbg.Analyses.Heaps;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;
using Ntdbg.Targets.User;

namespace Ntdbg.Analyses.AddressMap;

/// <summary>A range of memory the dump holds (a MemoryList/Memory64List descriptor or a thread's stack copy).</summary>
public readonly record struct HeldRange(ulong Start, ulong Size)
{
    public ulong End => Start + Size;
}

/// <summary>
/// What <see cref="AddressMapBuilder"/> reads: the MemoryInfoList regions (empty when the dump has
/// none), the ranges the dump holds, modules (with the names the session uses), threads, the process's
/// memory (TEBs, the PEB) and its heaps.
/// </summary>
public sealed record AddressMapInput(
    int PointerSize,
    uint ProcessId,
    IReadOnlyList<MemoryRegionInfo> MemoryInfo,
    IReadOnlyList<HeldRange> HeldRanges,
    IReadOnlyList<ModuleInfo> Modules,
    IReadOnlyList<ThreadInfo> Threads,
    IVirtualMemory Memory,
    HeapList? Heaps)
{
    /// <summary>The inputs of a user dump; <paramref name="modules"/> overrides the target's list (the session's names).</summary>
    public static AddressMapInput From(IUserTarget target, HeapList? heaps, IReadOnlyList<ModuleInfo>? modules = null)
    {
        IReadOnlyList<HeldRange> held = target is UserDumpTarget dump
            ? [.. dump.MemoryIndex.Ranges.Select(r => new HeldRange(r.Start, r.Size))]
            : [];
        return new AddressMapInput(target.PointerSize, target.ProcessId, target.MemoryRegions, held,
            modules ?? target.Modules, target.Threads, target.Memory, heaps);
    }
}
