using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The basic scenario's kernel pages of every kind, for every build × full/bitmap: `db` reads
/// through a 2 MiB page, a 1 GiB page and a transition PTE and shows the text the synthesizer
/// wrote there; page-file, demand-zero and zero PTEs read as holes; `!pte` prints each entry's
/// self-map address (PML4 slot 0x1ED: FFFFF680`00000000), value, frame and flags, and what a
/// not-valid PTE holds.
/// </summary>
public sealed class PageVarietyTests
{
    private const ulong PteBase = 0xFFFF_F680_0000_0000;

    /// <summary>The self-map address of the entry mapping <paramref name="va"/> at <paramref name="level"/> (0 = PTE, 3 = PXE).</summary>
    private static ulong SelfMapAddress(ulong va, int level)
    {
        ulong a = va;
        for (int i = 0; i <= level; i++) a = PteBase + (((a & 0x0000_FFFF_FFFF_FFFF) >> 12) << 3);
        return a;
    }

    private static string Text(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PagesOfEveryKindReadAndShowAsWindowsMapsThem(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = ProcessMemoryTests.Open(build, format);
        using var _ = target;
        string Db(ulong va, int n) => Text(ProcessMemoryTests.DbBytes(Run.Text(target, $"db {va:x} L{n:x}", session)));

        Assert.Equal(PageVarietyWriter.LargePageText, Db(PageVarietyWriter.LargePageVa, PageVarietyWriter.LargePageText.Length));
        Assert.Equal(PageVarietyWriter.LargePageSecondText, Db(PageVarietyWriter.LargePageVa + PageVarietyWriter.LargePageSecondOffset, PageVarietyWriter.LargePageSecondText.Length));
        Assert.Equal(PageVarietyWriter.HugePageText, Db(PageVarietyWriter.HugePageVa, PageVarietyWriter.HugePageText.Length));
        Assert.Equal(PageVarietyWriter.HugePageSecondText, Db(PageVarietyWriter.HugePageVa + PageVarietyWriter.HugePageSecondOffset, PageVarietyWriter.HugePageSecondText.Length));
        Assert.Equal(PageVarietyWriter.TransitionText, Db(PageVarietyWriter.TransitionVa, PageVarietyWriter.TransitionText.Length));
        foreach (ulong hole in new[] { PageVarietyWriter.PageFileVa, PageVarietyWriter.DemandZeroVa, PageVarietyWriter.ZeroPteVa })
            Assert.Equal("", Db(hole, 16));

        string large = Run.Text(target, $"!pte {PageVarietyWriter.LargePageVa:x}", session);
        Assert.Contains($"PXE at {SelfMapAddress(PageVarietyWriter.LargePageVa, 3):X16}", large);
        Assert.Contains($"PDE at {SelfMapAddress(PageVarietyWriter.LargePageVa, 1):X16}", large);
        Assert.DoesNotContain("PTE at", large);
        Assert.Contains($"contains {PageVarietyWriter.LargePagePhysical | PageVarietyWriter.LargeEntryBits:X16}", large);
        Assert.Matches($@"pfn {PageVarietyWriter.LargePagePhysical >> 12:x}\s+--LDA--KWEV", large);
        Assert.Contains("2 MiB page", large);

        string huge = Run.Text(target, $"!pte {PageVarietyWriter.HugePageVa:x}", session);
        Assert.Contains($"PPE at {SelfMapAddress(PageVarietyWriter.HugePageVa, 2):X16}", huge);
        Assert.DoesNotContain("PDE at", huge);
        Assert.Matches($@"pfn {PageVarietyWriter.HugePagePhysical >> 12:x}\s+--LDA--KWEV", huge);
        Assert.Contains("1 GiB page", huge);
        string vtop = Run.Text(target, $"!vtop 0 {PageVarietyWriter.HugePageVa + PageVarietyWriter.HugePageSecondOffset:x}", session);
        Assert.Contains($"translates to physical address {PageVarietyWriter.HugePagePhysical + PageVarietyWriter.HugePageSecondOffset:x}.", vtop);

        ulong transitionPfn = PageVarietyWriter.TransitionPfn(scenario);
        string transition = Run.Text(target, $"!pte {PageVarietyWriter.TransitionVa:x}", session);
        Assert.Contains($"PTE at {SelfMapAddress(PageVarietyWriter.TransitionVa, 0):X16}", transition);
        Assert.Contains($"contains {PageTableBuilder.TransitionPte(transitionPfn):X16}", transition);
        Assert.Contains($"Transition: {transitionPfn:x}", transition);
        Assert.Contains("Protect: 4 - ReadWrite", transition);

        string pageFile = Run.Text(target, $"!pte {PageVarietyWriter.PageFileVa:x}", session);
        Assert.Contains($"contains {PageTableBuilder.PageFilePte(PageVarietyWriter.PageFileOffset):X16}", pageFile);
        Assert.Matches(@"(?m)^PageFile: 1\r?$", pageFile);
        Assert.Matches($@"(?m)^Offset: {PageVarietyWriter.PageFileOffset:x}\r?$", pageFile);

        string demandZero = Run.Text(target, $"!pte {PageVarietyWriter.DemandZeroVa:x}", session);
        Assert.Contains($"contains {PageVarietyWriter.DemandZeroPte:X16}", demandZero);
        Assert.Matches(@"(?m)^DemandZero\r?$", demandZero);
        Assert.Contains("Protect: 4 - ReadWrite", demandZero);

        string zero = Run.Text(target, $"!pte {PageVarietyWriter.ZeroPteVa:x}", session);
        Assert.Contains("contains 0000000000000000", zero);
        Assert.Contains("not valid", zero);
        Assert.Contains("not mapped", zero);
    }

    /// <summary>
    /// `!pte` of a user address walks the implicit process's tables: the private page's PTE in
    /// each process is that process's own frame, read back through `!vtop` with its DirBase.
    /// </summary>
    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PteOfAUserAddressUsesTheImplicitProcesssTables(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = ProcessMemoryTests.Open(build, format);
        using var _ = target;
        var frames = new HashSet<string>();
        for (int i = 1; i < scenario.Processes.Count; i++)
        {
            var p = scenario.Processes[i];
            Run.Text(target, $".process {scenario.ProcessObjectAddresses[i]:x}", session);
            string pte = Run.Text(target, $"!pte {UserSpaceWriter.MarkerVa:x}", session);
            var pfn = Regex.Matches(pte, @"pfn ([0-9a-f]+)\s+(\S+)").Select(m => m.Groups[1].Value).Last();
            string vtop = Run.Text(target, $"!vtop {p.DirectoryTableBase:x} {UserSpaceWriter.MarkerVa:x}", session);
            Assert.Contains($"translates to physical address {ulong.Parse(pfn, NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 12:x}.", vtop);
            Assert.True(frames.Add(pfn), $"process {i} shares its private frame {pfn} with another");
        }
    }
}
