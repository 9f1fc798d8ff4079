namespace Ntdbg.Targets.Kernel;

/// <summary>The shape of one paging-structure level.</summary>
/// <param name="Name">What WinDbg's !pte calls the entry (PXE/PML4E, PPE/PDPTE, PDE, PTE).</param>
/// <param name="Shift">Bit position of this level's index in the virtual address.</param>
/// <param name="IndexBits">Width of the index.</param>
/// <param name="LargePageAllowed">Whether the PS bit (7) maps a large page at this level.</param>
public sealed record PagingLevel(string Name, int Shift, int IndexBits, bool LargePageAllowed)
{
    public int EntryCount => 1 << IndexBits;
    public ulong SpanBytes => 1UL << Shift;
}

/// <summary>x64 4-level paging, x86 PAE (3 levels, 8-byte entries) and x86 2-level (4-byte entries).</summary>
public sealed record PagingMode(string Name, IReadOnlyList<PagingLevel> Levels, int EntrySize, ulong TableBaseMask, ulong FrameMask, int VirtualBits)
{
    public static readonly PagingMode X64 = new("x64 4-level",
        [new("PML4E", 39, 9, false), new("PDPTE", 30, 9, true), new("PDE", 21, 9, true), new("PTE", 12, 9, false)],
        8, 0x000F_FFFF_FFFF_F000, 0x000F_FFFF_FFFF_F000, 48);

    /// <summary>PAE: CR3 points at a 32-byte aligned table of 4 PDPTEs.</summary>
    public static readonly PagingMode X86Pae = new("x86 PAE",
        [new("PDPTE", 30, 2, false), new("PDE", 21, 9, true), new("PTE", 12, 9, false)],
        8, 0xFFFF_FFE0, 0x000F_FFFF_FFFF_F000, 32);

    public static readonly PagingMode X86 = new("x86 2-level",
        [new("PDE", 22, 10, true), new("PTE", 12, 10, false)],
        4, 0xFFFF_F000, 0xFFFF_F000, 32);
}
