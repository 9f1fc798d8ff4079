using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Info, DBI, modules and public symbols of every real PDB, compared with llvm-pdbutil.
/// </summary>
public class PdbSymbolTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    [ToolFact("llvm-pdbutil", needsSharedData: false)]
    public void CorpusIsNotEmpty() => Assert.True(PdbCorpus.All().Count >= 8, $"only {PdbCorpus.All().Count} PDBs found");

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void SummaryMatchesLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var p = PdbFile.Open(file);
        var expected = LlvmPdbUtil.ReadSummary(pdb);
        Assert.Equal(expected.Guid, p.Info.Guid);
        Assert.Equal(expected.Age, p.Info.Age);
        Assert.Equal(expected.Signature, p.Info.Signature);
        Assert.Equal(LlvmPdbUtil.DbiAge(pdb), p.Dbi.Age);
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void ModulesMatchLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var p = PdbFile.Open(file);
        var expected = LlvmPdbUtil.Modules(pdb);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, p.Modules.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var m = p.Modules[i].Info;
            Assert.Equal(expected[i].Name, m.ModuleName);
            Assert.Equal(expected[i].Object, m.ObjectName);
            Assert.Equal(expected[i].DebugStream, m.HasSymbolStream ? m.SymbolStream : 65535);
        }
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void PublicsMatchLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var p = PdbFile.Open(file);
        var expected = LlvmPdbUtil.Publics(pdb);
        Assert.NotEmpty(expected);
        var ours = p.Publics;
        Assert.Equal(expected.Count, ours.Count);
        var want = expected.Select(e => (e.Name, e.Section, e.Offset)).OrderBy(x => x).ToList();
        var got = ours.Select(s => (s.Name, s.Section, s.Offset)).OrderBy(x => x).ToList();
        Assert.Equal(want, got);
        // Flags: llvm prints "function" for bit 2 and "none" for 0.
        foreach (var e in expected.Where(e => e.Flags == "function"))
            Assert.Contains(ours, s => s.Name == e.Name && (s.Flags & 2) != 0);

        // RVAs: section base from llvm-pdbutil's section headers plus the offset (no OMAP), or mapped.
        var vas = LlvmPdbUtil.SectionAddresses(pdb);
        Assert.Equal(vas.Count, p.Dbi.SectionHeaders.Count);
        if (p.Dbi.OmapFromSource == null)
        {
            foreach (var s in ours)
            {
                uint? rva = p.SectionRvaOf(s.Section, s.Offset);
                if (s.Section == 0 || s.Section > vas.Count) Assert.Null(rva);
                else Assert.Equal(vas[s.Section - 1] + s.Offset, rva);
            }
        }
        else
        {
            // Reordered image: addresses refer to the original sections and map through OMAP
            // into the current image's sections.
            var original = LlvmPdbUtil.SectionAddresses(pdb, original: true);
            Assert.Equal(original.Count, p.Dbi.OriginalSectionHeaders.Count);
            // Without a copy of the original headers, the current ones are the only bases there are.
            if (original.Count == 0) original = vas;
            int mapped = 0;
            foreach (var s in ours)
            {
                uint? rva = p.SectionRvaOf(s.Section, s.Offset);
                if (s.Section == 0 || s.Section > original.Count) { Assert.Null(rva); continue; }
                if (rva is not uint r) continue;
                mapped++;
                Assert.Contains(p.Dbi.SectionHeaders, h => r >= h.VirtualAddress && r < h.VirtualAddress + Math.Max(h.VirtualSize, h.SizeOfRawData) + 0x1000);
                Assert.Equal(p.Dbi.OmapFromSource.Map(original[s.Section - 1] + s.Offset), rva);
            }
            Assert.True(mapped > ours.Count / 2, $"only {mapped} of {ours.Count} publics map through OMAP");
        }
    }
}
