using Ntdbg.Analyses.Heaps;

namespace Ntdbg.Commands.Commands.Heap;

/// <summary>One heap of the process as `!heap` lists it.</summary>
public sealed record HeapListEntry(ulong Address, HeapKind Kind);

/// <summary>`!heap`: the process's heaps (PEB, process heap, each heap with its allocator) and what could not be found.</summary>
public sealed record HeapListResult(ulong? Peb, ulong? ProcessHeap, IReadOnlyList<HeapListEntry> Heaps, IReadOnlyList<string> Notes);

/// <summary>`!heap -s`: one summary per heap (sizes in bytes; the text renderer prints K) and the notes of the search and the walks.</summary>
public sealed record HeapSummaryResult(int PointerSize, IReadOnlyList<HeapSummary> Heaps, IReadOnlyList<string> Notes);

/// <summary>One size class of `!heap -stat`: busy blocks of that requested size, how many, their bytes and share of the heap's busy bytes.</summary>
public sealed record HeapSizeClass(ulong Size, long Blocks, ulong TotalBytes, double PercentOfBusy);

/// <summary>One heap's histogram: the top classes by total size (group-by TOTSIZE), and the totals over every busy block.</summary>
public sealed record HeapStatTable(ulong Heap, HeapKind Kind, IReadOnlyList<HeapSizeClass> Classes, long BusyBlocks, ulong BusyBytes);

/// <summary>`!heap -stat [-h heap]`: a histogram per heap asked for.</summary>
public sealed record HeapStatResult(int MaxDisplay, IReadOnlyList<HeapStatTable> Heaps, IReadOnlyList<string> Notes);

/// <summary>
/// `!heap -p -a address`: the heap and block holding the address, the block's size and the previous
/// block's size (both in the heap's granularity, as WinDbg prints them), or null with the reason in Notes.
/// </summary>
public sealed record HeapAddressResult(
    ulong Address, int PointerSize, ulong? Heap, HeapKind? Kind, HeapBlock? Block, ulong? PreviousBlockSize, int Granularity,
    IReadOnlyList<string> Notes);

/// <summary>`!heap -h heap`: the heap's summary, its ranges (segments, virtual blocks) and every block in walk order.</summary>
public sealed record HeapBlocksResult(int PointerSize, HeapSummary? Summary, IReadOnlyList<HeapBlock> Blocks, IReadOnlyList<string> Notes);
