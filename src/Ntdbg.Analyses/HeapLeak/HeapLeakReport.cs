using Ntdbg.Analyses.Heaps;

namespace Ntdbg.Analyses.HeapLeak;

/// <summary>
/// One usage class of the address space: its busy bytes as `!address -summary` counts them (reserved and
/// committed) and, when the dump records region states, its committed bytes — what the process really uses.
/// </summary>
public sealed record MemoryUsageShare(string Usage, ulong Bytes, double ShareOfBusy, ulong? CommittedBytes = null, double? ShareOfCommitted = null);

/// <summary>Blocks of one user size in a heap: how many, how many nothing points to any more.</summary>
public sealed record HeapSizeClass(ulong UserSize, long Blocks, ulong TotalBytes, long Unreferenced);

/// <summary>Where a value equal to a heap's handle sits in memory (what `s -q` for the handle would list).</summary>
public enum HandleReferenceKind
{
    /// <summary>Inside a module image (a global): the owner the playbook looks for.</summary>
    ModuleData,
    ThreadStack,
    HeapBlock,
    /// <summary>The PEB's ProcessHeaps array or the PEB itself: the system's own list, not an owner.</summary>
    ProcessHeapList,
    Other,
}

/// <summary>One hit of the heap handle: its address, what holds it, and its symbol when it is a global (`useheap!Blob::m_Heap`).</summary>
public sealed record HandleReference(ulong Address, HandleReferenceKind Kind, string? Module, string? Symbol, string? Where);

/// <summary>One heap's part of the report.</summary>
public sealed record HeapLeakFigures(
    HeapSummary Summary,
    long BusyBlocks,
    ulong BusyBytes,
    long UnreferencedBlocks,
    ulong UnreferencedBytes,
    /// <summary>Unreferenced bytes in sizes lost <see cref="HeapLeakTriage.RepeatedClassBlocks"/> or more times: the leak signature.</summary>
    ulong RepeatedUnreferencedBytes,
    IReadOnlyList<HeapSizeClass> TopSizeClasses,
    IReadOnlyList<ulong> SampleUnreferenced);

/// <summary>
/// `ntdbg triage leak`: which memory dominates, the heaps by size, which heap leaks (the most bytes in
/// blocks nothing points to any more — not simply the biggest), what refers to that heap's handle from
/// a module's globals (the owner), its biggest size classes and the next steps.
/// </summary>
public sealed record HeapLeakReport(
    string DumpPath,
    int PointerSize,
    IReadOnlyList<MemoryUsageShare> Usage,
    string? DominantUsage,
    IReadOnlyList<HeapLeakFigures> Heaps,
    HeapLeakFigures? Suspect,
    string SuspectReason,
    IReadOnlyList<HandleReference> HandleReferences,
    HandleReference? Owner,
    ulong BytesScanned,
    IReadOnlyList<string> NextSteps,
    IReadOnlyList<string> Notes);
