using System.Text;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Kernel pages mapped every way Windows maps them, each with text a test can read back: a
/// 2 MiB page and a 1 GiB page (PDE/PDPTE with the PS bit; the dump holds only the frames
/// written inside them), a transition PTE (not valid, but the page is still in RAM and in the
/// dump), a page-file PTE, a demand-zero PTE (protection only) and a zero PTE.
/// </summary>
public static class PageVarietyWriter
{
    public const ulong LargePageVa = 0xFFFF_E000_0020_0000;
    public const ulong LargePagePhysical = 0x0360_0000;
    /// <summary>A second written frame inside the 2 MiB page.</summary>
    public const ulong LargePageSecondOffset = 0x10_1000;
    public const ulong HugePageVa = 0xFFFF_E001_4000_0000;
    public const ulong HugePagePhysical = 0x4000_0000;
    public const ulong HugePageSecondOffset = 0x234_5000;
    public const ulong TransitionVa = 0xFFFF_E000_1000_0000;
    public const ulong PageFileVa = TransitionVa + 0x1000;
    public const ulong DemandZeroVa = TransitionVa + 0x2000;
    public const ulong ZeroPteVa = TransitionVa + 0x3000;
    public const uint PageFileOffset = 0x2f3a1;
    /// <summary>Present, writable, accessed, dirty, large.</summary>
    public const ulong LargeEntryBits = PageTableBuilder.Present | PageTableBuilder.Writable | 0x20 | 0x40 | PageTableBuilder.LargePage;
    /// <summary>Protection 4 (ReadWrite) in bits 5..9, nothing else: a demand-zero PTE.</summary>
    public const ulong DemandZeroPte = 4 << 5;

    public static string LargePageText => "ntdbg 2 MiB page";
    public static string LargePageSecondText => "ntdbg 2 MiB page, frame 0x101";
    public static string HugePageText => "ntdbg 1 GiB page";
    public static string HugePageSecondText => "ntdbg 1 GiB page, frame 0x2345";
    public static string TransitionText => "ntdbg transition page";

    /// <summary>The transition page's frame after <see cref="Write"/>.</summary>
    public static ulong TransitionPfn(KernelScenario s) => s.Memory.ReadUInt64(s.Tables.EntryAddress(TransitionVa, 12)) >> 12 & 0xFF_FFFF_FFFF;

    public static void Write(KernelScenario s)
    {
        var m = s.Memory;
        var pt = s.Tables;
        // Accessed and dirty, as the kernel's own large pages are: `!pte` shows --LDA--KWEV.
        pt.SetEntry(LargePageVa, 21, LargePagePhysical | LargeEntryBits);
        m.Write(LargePagePhysical, Encoding.ASCII.GetBytes(LargePageText));
        m.Write(LargePagePhysical + LargePageSecondOffset, Encoding.ASCII.GetBytes(LargePageSecondText));
        pt.SetEntry(HugePageVa, 30, HugePagePhysical | LargeEntryBits);
        m.Write(HugePagePhysical, Encoding.ASCII.GetBytes(HugePageText));
        m.Write(HugePagePhysical + HugePageSecondOffset, Encoding.ASCII.GetBytes(HugePageSecondText));

        ulong transition = m.AllocatePage();
        m.Write(transition << 12, Encoding.ASCII.GetBytes(TransitionText));
        pt.SetPte(TransitionVa, PageTableBuilder.TransitionPte(transition));
        pt.SetPte(PageFileVa, PageTableBuilder.PageFilePte(PageFileOffset));
        pt.SetPte(DemandZeroVa, DemandZeroPte);
        pt.SetPte(ZeroPteVa, 0);
    }
}
