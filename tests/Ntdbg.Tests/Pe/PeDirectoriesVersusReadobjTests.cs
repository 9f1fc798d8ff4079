using Ntdbg.Core.IO;
using Ntdbg.Formats.Pe;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>Imports, exports, .pdata and base relocations of real images against llvm-readobj / llvm-objdump.</summary>
public class PeDirectoriesVersusReadobjTests
{
    private static PeImage Open(string path, out MappedFile file)
    {
        file = MappedFile.Open(path);
        return PeImage.FromFile(file);
    }

    /// <summary>Compares our import list with llvm-readobj --coff-imports ("Symbol: Name (hint)" or "Symbol:  (ordinal)").</summary>
    public static void AssertImportsMatch(string path)
    {
        var oracle = LlvmReadobj.Run("--coff-imports", path).All("Import").ToList();
        var image = Open(path, out var file);
        using var _ = file;
        var ours = image.ReadImports();
        Assert.Equal(oracle.Select(o => o["Name"]), ours.Select(m => m.DllName));
        for (int i = 0; i < oracle.Count; i++)
        {
            var o = oracle[i];
            var m = ours[i];
            Assert.Equal(o.Number("ImportLookupTableRVA"), m.OriginalFirstThunk);
            Assert.Equal(o.Number("ImportAddressTableRVA"), m.FirstThunk);
            var expected = o.All("Symbol").Select(s => s.Value).ToList();
            var actual = m.Functions.Select(f => f.ByOrdinal ? $"({f.Ordinal})" : $"{f.Name} ({f.Hint})").ToList();
            Assert.Equal(expected, actual);
            // IAT slots are consecutive pointers from FirstThunk.
            for (int k = 0; k < m.Functions.Count; k++)
                Assert.Equal(m.FirstThunk + (uint)(k * image.PointerSize), m.Functions[k].IatRva);
        }
    }

    /// <summary>Compares our exports with llvm-readobj --coff-exports (Ordinal, Name, RVA or ForwardedTo).</summary>
    public static void AssertExportsMatch(string path)
    {
        var oracle = LlvmReadobj.Run("--coff-exports", path).All("Export")
            .Select(e => (Ordinal: e.Number("Ordinal"), Name: e.Child("Name")?.Value ?? "", Rva: e.Child("RVA") is { } r ? ReadobjNode.ParseNumber(r.Value) : 0,
                Forward: e.Child("ForwardedTo")?.Value))
            .Where(e => e.Rva != 0 || e.Forward != null)
            .OrderBy(e => e.Ordinal).ToList();
        var image = Open(path, out var file);
        using var _ = file;
        var ours = image.ReadExports()?.Exports ?? [];
        Assert.Equal(oracle.Count, ours.Count);
        for (int i = 0; i < oracle.Count; i++)
        {
            Assert.Equal(oracle[i].Ordinal, ours[i].Ordinal);
            Assert.Equal(oracle[i].Name, ours[i].Name ?? "");
            // llvm 14 prints a forwarder's RVA (inside the export directory) instead of its text.
            if (oracle[i].Forward != null) Assert.Equal(oracle[i].Forward, ours[i].Forwarder);
            else Assert.Equal(oracle[i].Rva, ours[i].Rva);
        }
    }

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void ImportsAgreeWithReadobj(string relative) => AssertImportsMatch(TestData.Shared(relative));

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void ExportsAgreeWithReadobj(string relative) => AssertExportsMatch(TestData.Shared(relative));

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void BaseRelocationsAgreeWithReadobj(string relative)
    {
        string path = TestData.Shared(relative);
        var image = Open(path, out var file);
        using var _ = file;
        var summary = image.CountBaseRelocations();
        var (text, ok) = LlvmReadobj.RunTool("llvm-readobj", "--coff-basereloc", path);
        if (!ok)
        {
            // llvm 14 crashes on a relocation directory holding one empty block: walk the raw .reloc bytes instead.
            var dir = image.Directory(PeDataDirectory.BaseRelocation);
            var bytes = LlvmReadobj.SectionBytes(path, image.SectionForRva(dir.VirtualAddress)!.Name);
            ulong at = image.OptionalHeader.ImageBase + dir.VirtualAddress, end = at + dir.Size;
            int blocks = 0, count = 0;
            while (at + 8 <= end)
            {
                uint size = (uint)(bytes[at + 4] | bytes[at + 5] << 8 | bytes[at + 6] << 16 | bytes[at + 7] << 24);
                blocks++;
                count += (int)(size - 8) / 2;
                at += size;
            }
            Assert.Equal((blocks, count), (summary.Blocks, summary.Entries));
            return;
        }
        var entries = LlvmReadobj.Parse(text).Child("BaseReloc")?.All("Entry").ToList() ?? [];
        // llvm-readobj lists every entry, padding (ABSOLUTE) included.
        Assert.Equal(entries.Count, summary.Entries);
        Assert.Equal(entries.Count(e => e["Type"] == "ABSOLUTE"), summary.AbsoluteEntries);
        Assert.Equal(entries.Select(e => e.Number("Address") & ~0xfffUL).Distinct().Count(), summary.Blocks); // linkers write one block per page
    }

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void PdataAgreesWithLlvm(string relative)
    {
        string path = TestData.Shared(relative);
        var image = Open(path, out var file);
        using var _ = file;
        var ours = image.ReadRuntimeFunctions();
        var dir = image.Directory(PeDataDirectory.Exception);
        if (image.FileHeader.Machine != PeFileHeader.MachineAmd64)
        {
            Assert.Empty(ours);
            return;
        }
        ulong imageBase = image.OptionalHeader.ImageBase;
        var (unwindText, ok) = LlvmReadobj.RunTool("llvm-readobj", "--unwind", path);
        if (ok)
        {
            // llvm-readobj walks the whole .pdata section (padding included); the directory covers the first entries.
            var starts = LlvmReadobj.Parse(unwindText).Child("UnwindInformation")!.All("RuntimeFunction")
                .Select(f => f.Number("StartAddress") - imageBase).ToList();
            Assert.Equal(starts.Take(ours.Count), ours.Select(f => (ulong)f.BeginAddress));
        }
        // Lookup by address finds each function from its first to its last byte, and nothing in the gaps.
        foreach (var f in ours.Where(f => f.EndAddress > f.BeginAddress).Take(200))
        {
            Assert.Equal(f, PeRuntimeFunctionTable.Find(ours, f.BeginAddress));
            Assert.Equal(f, PeRuntimeFunctionTable.Find(ours, f.EndAddress!.Value - 1));
            var after = PeRuntimeFunctionTable.Find(ours, f.EndAddress!.Value);
            Assert.True(after == null || after.Value.BeginAddress == f.EndAddress);
        }

        // Every field of every entry against the raw .pdata bytes from llvm-objdump (its unwind dumper crashes on some drivers).
        var section = image.SectionForRva(dir.VirtualAddress)!;
        var bytes = LlvmReadobj.SectionBytes(path, section.Name);
        Assert.Equal(dir.Size / 12, (uint)ours.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            ulong at = imageBase + dir.VirtualAddress + (ulong)(i * 12);
            uint Word(ulong a) => (uint)(bytes[a] | bytes[a + 1] << 8 | bytes[a + 2] << 16 | bytes[a + 3] << 24);
            Assert.Equal(Word(at), ours[i].BeginAddress);
            Assert.Equal(Word(at + 4), ours[i].EndAddress);
            Assert.Equal(Word(at + 8), ours[i].UnwindData);
        }
    }

    public static string? WineDirectory =>
        new[] { "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows", "/usr/lib/wine/x86_64-windows" }.FirstOrDefault(Directory.Exists);

    /// <summary>Wine's PE builds of Windows DLLs (when installed): many exports, ordinal imports.</summary>
    public static IEnumerable<object[]> WineDlls() =>
        new[] { "kernel32.dll", "comdlg32.dll", "ws2_32.dll", "combase.dll" }.Select(n => new object[] { n });

    [WineTheory]
    [MemberData(nameof(WineDlls))]
    public void WineDllsAgreeWithReadobj(string name)
    {
        string path = Path.Combine(WineDirectory!, name);
        AssertImportsMatch(path);
        AssertExportsMatch(path);
    }
}

public sealed class WineTheoryAttribute : TheoryAttribute
{
    public WineTheoryAttribute()
    {
        if (!LlvmReadobj.Installed) Skip = "llvm-readobj is not installed: oracle comparison skipped";
        else if (PeDirectoriesVersusReadobjTests.WineDirectory == null) Skip = "wine's PE DLLs are not installed: export comparison on real DLLs skipped";
    }
}
