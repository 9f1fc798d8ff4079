using Ntdbg.Analyses.Pool;
using Ntdbg.Commands.Commands.Pool.FindTag;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// `pool findtag` over the module images in a dump: the real amdppm.sys of the shared symbol store
/// mapped at the basic scenario's amdppm base (every build, full and bitmap), one page of its code
/// holding a 'Prcr' allocation paged out. The dump's hits are the file's hits (same RVAs, same
/// functions from amdppm.pdb found through the symbol path, same pool calls) at base + RVA, except
/// those in the paged-out page and in the discardable sections, which are reported missing.
/// </summary>
public sealed class FindTagDumpTests
{
    private const string Store = "kernel/symstore";
    private const ulong AmdppmBase = 0xfffff8048b580000; // KernelScenario.Basic lists amdppm.sys there
    private const uint Discardable = 0x0200_0000;

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void DumpHitsAreTheFileHitsAtTheLoadedBaseWithMissingPagesReported(int build, KernelDumpBuilder.Layout format)
    {
        string file = Directory.GetFiles(TestData.Shared(Store + "/amdppm.sys"), "amdppm.sys", SearchOption.AllDirectories).Single();
        string pdb = Directory.GetFiles(TestData.Shared(Store + "/amdppm.pdb"), "amdppm.pdb", SearchOption.AllDirectories).Single();
        var tag = PoolTagPattern.Parse("Prcr");
        var fileHits = new List<PoolTagCodeHit>();
        var fileStrings = new List<PoolTagStringHit>();
        PoolTagFinder.FindInFile(file, tag, pdb, fileHits, fileStrings);
        var sections = Sections(file);
        bool Discarded(uint rva) => sections.Any(s => (s.Characteristics & Discardable) != 0 && s.ContainsRva(rva));
        var kept = fileHits.Where(h => !Discarded(h.Rva)).ToList();
        Assert.True(kept.Count > 2, "amdppm.sys has 'Prcr' code outside its discardable sections");

        // Page out the page of one allocation that no other hit shares.
        var victim = kept.First(h => h.IsAllocation && kept.Count(o => (o.Rva & ~0xfffu) == (h.Rva & ~0xfffu)) == 1);
        ulong pagedOut = AmdppmBase + (victim.Rva & ~0xfffu);

        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.DriverImages.Add(new SyntheticDriverImage("amdppm.sys", File.ReadAllBytes(file), AmdppmBase));
        scenario.BeforeDump.Add(s => s.Tables.SetPte(pagedOut, PageTableBuilder.PageFilePte(0x1234)));
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"findtag-{build}.dmp", scenario.Write(format)));
        var session = new DebugSession(target, $"{isf};{TestData.Shared(Store)}");

        // Loading amdppm's symbols maps the store's amdppm.sys behind the session's memory; the
        // search must still read the dump's own pages, so the paged-out page stays missing.
        session.SymbolTable.EnsureLoaded(session.SymbolTable.Find("amdppm")!);
        Assert.Equal(4, session.Memory.Read(pagedOut, new byte[4], out _));
        var result = PoolFindTag.InDump(session, tag);
        var dump = result.CodeHits.Where(h => h.Module == "amdppm.sys").ToList();
        var expected = kept.Where(h => h != victim).ToList();
        Assert.Equal(expected.Select(h => (h.Rva, h.Function, h.FunctionRva, h.CallTarget, h.CallRva, h.IsPoolCall)),
            dump.Select(h => (h.Rva, h.Function, h.FunctionRva, h.CallTarget, h.CallRva, h.IsPoolCall)));
        Assert.All(dump, h => Assert.Equal((PoolTagSource.Dump, AmdppmBase + h.Rva), (h.Source, h.Address)));
        Assert.Equal(fileStrings.Where(h => !Discarded(h.Rva)).Select(h => (h.Section, h.Rva)),
            result.StringHits.Where(h => h.Module == "amdppm.sys").Select(h => (h.Section, h.Rva)));

        var missing = result.Missing.Where(m => m.Module == "amdppm.sys").ToList();
        var hole = Assert.Single(missing, m => m.Address <= pagedOut && pagedOut < m.Address + m.Length && m.Kind != "Discarded");
        Assert.Equal(0x1000u, hole.Length);
        Assert.Contains(hole.Address.ToString("x8")[^8..], hole.Reason);
        Assert.Equal(sections.Where(s => (s.Characteristics & Discardable) != 0).Select(s => s.Name),
            missing.Where(m => m.Kind == "Discarded").Select(m => m.Section));
        // The kernel's own image is scanned too; the drivers the scenario only lists have no image: skipped with why.
        Assert.Contains(result.Errors, e => e.Path == "hal.dll" && e.Problem.Contains("not in the dump", StringComparison.Ordinal));
    }

    private static List<Ntdbg.Formats.Pe.PeSectionHeader> Sections(string file)
    {
        using var mapped = MappedFile.Open(file);
        return [.. Ntdbg.Formats.Pe.PeImage.FromFile(mapped).Sections];
    }

    /// <summary>
    /// A driver whose import directory the dump no longer holds (as when INIT is freed) but whose
    /// IAT slots hold the addresses the loader bound them to: the calls are still tied to
    /// ExAllocatePoolWithTag, named by the kernel's symbols at the bound address.
    /// </summary>
    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void BoundIatSlotsNameTheCallWithoutTheImportDirectory(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = PoolLeakScenarios.SeedPoolLeak(IsfLayout.ForBuild(isf, build), build);
        var myfault = scenario.DriverImages.Single();
        string file = Path.Combine(FixtureDrivers.Folder, myfault.FileName);
        using var mapped = MappedFile.Open(file);
        var pe = Ntdbg.Formats.Pe.PeImage.FromFile(mapped);
        var slots = pe.ReadImports().SelectMany(m => m.Functions).Where(f => f.Name != null && scenario.Layout.HasSymbol(f.Name)).ToList();
        Assert.Contains(slots, f => f.Name == "ExAllocatePoolWithTag");
        uint importDirectory = pe.NtHeadersOffset + 4 + 20 + 112 + 8; // PE32+ DataDirectory[1]
        scenario.BeforeDump.Add(s =>
        {
            s.Tables.WriteVirtual(myfault.Base + importDirectory, new byte[8]);
            foreach (var f in slots) s.Tables.WriteVirtualUInt64(myfault.Base + f.IatRva, KernelScenario.KernelBase + s.Layout.Rva(f.Name!));
        });
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"bound-iat-{build}.dmp", scenario.Write(format)));
        var session = new DebugSession(target, isf);

        var hits = PoolFindTag.InDump(session, PoolTagPattern.Parse("Leak")).CodeHits;
        Assert.Equal(FixtureDriverFile.Read(myfault.FileName).ImmediateRvas, hits.Select(h => h.Rva + 2).Order());
        Assert.All(hits, h => Assert.Equal(("ExAllocatePoolWithTag", true), (h.CallTarget, h.IsAllocation)));
    }
}
