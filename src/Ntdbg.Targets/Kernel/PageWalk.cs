namespace Ntdbg.Targets.Kernel;

/// <summary>Where a page walk stopped.</summary>
public enum PageWalkEnd
{
    /// <summary>A valid PTE maps a 4 KiB page.</summary>
    Page,
    /// <summary>A valid PDE/PPE with the large-page bit maps a 2/4 MiB or 1 GiB page.</summary>
    LargePage,
    /// <summary>A transition PTE: the page is still in RAM (readable from the dump).</summary>
    Transition,
    /// <summary>An entry is zero: nothing is mapped there.</summary>
    NotMapped,
    /// <summary>A not-valid entry with only a protection: demand-zero or no-access.</summary>
    DemandZero,
    /// <summary>A not-valid entry points into the page file.</summary>
    PageFile,
    /// <summary>A not-valid entry refers to a prototype PTE (section or shared page).</summary>
    Prototype,
    /// <summary>A transition entry above the PTE level: the paging structure below was being paged out.</summary>
    TableInTransition,
    /// <summary>The physical page holding an entry is not in the dump.</summary>
    EntryNotInDump,
    /// <summary>The address cannot be translated at all (non-canonical, above 4 GB on x86).</summary>
    InvalidAddress,
}

/// <summary>One level of a page walk.</summary>
/// <param name="Name">WinDbg's name: PXE, PPE, PDE, PTE on x64; PDPTE, PDE, PTE with PAE; PDE, PTE on x86.</param>
/// <param name="VirtualAddress">The entry's address in the page-table self-map, null when the self-map base is unknown.</param>
/// <param name="PhysicalAddress">Where the entry lies in physical memory.</param>
/// <param name="Value">The raw entry, null when its page is not in the dump.</param>
/// <param name="Pfn">The frame the entry names (the next table, the page, or the transition page).</param>
/// <param name="Unreadable">Why the entry could not be read.</param>
public sealed record PageWalkLevel(string Name, ulong? VirtualAddress, ulong PhysicalAddress, ulong? Value, PteFlags? Flags, ulong? Pfn, string? Unreadable);

/// <summary>The page-table self-map base (PTE_BASE) and how it was found.</summary>
public sealed record SelfMap(ulong? PteBase, string Source);

/// <summary>A virtual-to-physical translation shown entry by entry, for `!pte` and `!vtop`.</summary>
public sealed record PageWalk(
    ulong VirtualAddress, ulong DirectoryTableBase, string PagingMode, int EntrySize, SelfMap SelfMap,
    IReadOnlyList<PageWalkLevel> Levels, PageWalkEnd End, string Reason, ulong? PhysicalAddress, ulong? PageSize)
{
    /// <summary>True when the page's bytes are in RAM (the dump may still lack the frame).</summary>
    public bool Translated => PhysicalAddress != null;
}
