using Ntdbg.Targets.Kernel;

namespace Ntdbg.Tests.KernelDump;

/// <summary>
/// Self-map addresses and entry decoding checked against WinDbg's own `!pte` output as published
/// (Microsoft's !pte page for x86; public x64 sessions for the fixed FFFFF680`00000000 base and a
/// randomized FFFFED00`00000000 one).
/// </summary>
public sealed class PageWalkDecodingTests
{
    [Theory]
    // VA, PTE base, then PXE, PPE, PDE, PTE as WinDbg printed them.
    [InlineData(0xfffff80000000000, 0xFFFFF68000000000, 0xFFFFF6FB7DBEDF80, 0xFFFFF6FB7DBF0000, 0xFFFFF6FB7E000000, 0xFFFFF6FC00000000)]
    [InlineData(0x0000000001cf0000, 0xFFFFF68000000000, 0xFFFFF6FB7DBED000, 0xFFFFF6FB7DA00000, 0xFFFFF6FB40000070, 0xFFFFF6800000E780)]
    [InlineData(0x00000000ffd53acc, 0xFFFFF68000000000, 0xFFFFF6FB7DBED000, 0xFFFFF6FB7DA00018, 0xFFFFF6FB40003FF0, 0xFFFFF680007FEA98)]
    [InlineData(0x000001fe151d0000, 0xFFFFED0000000000, 0xFFFFED76BB5DA018, 0xFFFFED76BB403FC0, 0xFFFFED76807F8540, 0xFFFFED00FF0A8E80)]
    public void X64SelfMapAddressesMatchWinDbg(ulong va, ulong pteBase, ulong pxe, ulong ppe, ulong pde, ulong pte)
    {
        Assert.Equal(pxe, PageWalker.EntryVirtualAddress(PagingMode.X64, pteBase, va, 0));
        Assert.Equal(ppe, PageWalker.EntryVirtualAddress(PagingMode.X64, pteBase, va, 1));
        Assert.Equal(pde, PageWalker.EntryVirtualAddress(PagingMode.X64, pteBase, va, 2));
        Assert.Equal(pte, PageWalker.EntryVirtualAddress(PagingMode.X64, pteBase, va, 3));
    }

    [Fact]
    public void RandomizedBaseComesFromTheSelfMapSlot()
    {
        Assert.Equal(0xFFFFED0000000000UL, PageWalker.SelfMapBase(0x1DA));
        Assert.Equal(0xFFFFF68000000000UL, PageWalker.SelfMapBase(0x1ED));
    }

    [Fact]
    public void X86SelfMapAddressesMatchWinDbg()
    {
        // Microsoft's !pte page: "801544F4 - PDE at C0300800 PTE at C0200550".
        Assert.Equal(0xC0300800UL, PageWalker.EntryVirtualAddress(PagingMode.X86, 0xC0000000, 0x801544F4, 0));
        Assert.Equal(0xC0200550UL, PageWalker.EntryVirtualAddress(PagingMode.X86, 0xC0000000, 0x801544F4, 1));
    }

    [Theory]
    [InlineData(0x02D0000654195867, "---DA--UWEV")]
    [InlineData(0x32C000065207B025, "----A--UREV")]
    [InlineData(0xC1000000A76CC867, "---DA--UW-V")]
    [InlineData(0x80000000A1DD0867, "---DA--UW-V")]
    public void ValidEntryLettersMatchWinDbg(ulong value, string letters)
    {
        var f = PteFlags.Decode(value, 8);
        Assert.Equal(SoftwarePteKind.None, f.Software);
        Assert.Equal(letters, f.Letters(8));
    }

    [Fact]
    public void NotValidEntriesDecodeAsWinDbgDescribesThem()
    {
        // "contains 00000000A1DD0880 ... not valid / Transition: a1dd0 / Protect: 4 - ReadWrite"
        var transition = PteFlags.Decode(0x00000000A1DD0880, 8);
        Assert.Equal((SoftwarePteKind.Transition, 4u), (transition.Software, transition.Protection));
        Assert.Equal("ReadWrite", PteFlags.ProtectionName(transition.Protection));
        // "contains FFFFFFFF00000480 ... not valid / Proto: VAD / Protect: 4 - ReadWrite"
        var proto = PteFlags.Decode(0xFFFFFFFF00000480, 8);
        Assert.Equal((SoftwarePteKind.Prototype, 4u), (proto.Software, proto.Protection));
        Assert.Equal(SoftwarePteKind.Zero, PteFlags.Decode(0, 8).Software);
        Assert.Equal(SoftwarePteKind.DemandZero, PteFlags.Decode(4 << 5, 8).Software);
        var pageFile = PteFlags.Decode((0x1234UL << 32) | (4 << 5) | (1 << 1), 8);
        Assert.Equal((SoftwarePteKind.PageFile, 1u, 0x1234UL), (pageFile.Software, pageFile.PageFileNumber, pageFile.PageFileOffset));
    }
}
