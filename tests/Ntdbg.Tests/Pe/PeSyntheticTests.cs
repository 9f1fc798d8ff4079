using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Synth;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>
/// Synthetic images with imports (by name and ordinal), exports (named, unnamed, forwarders),
/// a CodeView record and .pdata: read from the file and from memory, and checked with llvm-readobj.
/// </summary>
public class PeSyntheticTests
{
    private static readonly Guid PdbGuid = new("6d6e9c32-7875-c478-56ac-7da750ab1c5e");

    /// <summary>A PE32+ DLL with one section per table, so each can be unmapped on its own.</summary>
    public static PeBuilder RichDll(bool is64 = true)
    {
        var b = new PeBuilder(is64) { Characteristics = (ushort)(is64 ? 0x2022 : 0x2102), ImageBase = is64 ? 0x1_8000_0000UL : 0x1000_0000UL };
        b.AddSection(".text", 0x60000020, new byte[0x300]);
        PeTables.Table? imports = null, exports = null, debug = null, pdata = null;
        b.AddSection(".idata", 0xC0000040, rva =>
        {
            imports = PeTables.Imports(rva, is64,
            [
                ("KERNEL32.dll", [new("GetProcAddress", 0x2b5), new("ExitProcess", 0x15e), new(null, 17)]),
                ("ntdll.dll", [new("RtlUnwind", 0x4d2)]),
            ]);
            return imports.Data;
        });
        b.AddSection(".edata", 0x40000040, rva =>
        {
            exports = PeTables.Exports(rva, "rich.dll", 5,
            [
                new("Alpha", 0x1010),
                new(null, 0x1020),
                new("Beta", 0, "KERNEL32.GetProcAddress"),
                new(null, 0),
                new("Gamma", 0x1040),
            ]);
            return exports.Data;
        });
        var rdataOffset = 0u;
        b.AddSection(".rdata", 0x40000040, rva =>
        {
            // File offset of this section: headers (0x400) + raw sizes so far, all 0x200 multiples.
            rdataOffset = 0x400 + (uint)b.Sections.Sum(s => s.SizeOfRawData);
            debug = PeTables.DebugRsds(rva, rdataOffset, PdbGuid, 3, @"d:\build\rich.pdb", 0x5F000000);
            return debug.Data;
        });
        if (is64)
        {
            b.AddSection(".pdata", 0x40000040, rva =>
            {
                pdata = PeTables.Pdata(rva, [(0x1000, 0x1010, 0x2000), (0x1010, 0x1040, 0x2008), (0x1040, 0x1100, 0x2010)]);
                return pdata.Data;
            });
        }
        b.Directory(1, imports!.DirectoryRva, imports.DirectorySize).Directory(12, imports.IatRva, imports.IatSize);
        b.Directory(0, exports!.DirectoryRva, exports.DirectorySize);
        b.Directory(6, debug!.DirectoryRva, debug.DirectorySize);
        if (pdata != null) b.Directory(3, pdata.DirectoryRva, pdata.DirectorySize);
        return b;
    }

    private static string WriteTemp(byte[] bytes, string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "ntdbg-pe-tests");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"{Guid.NewGuid():N}-{name}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void FileAndMemoryLayoutsReadTheSameTables()
    {
        var b = RichDll();
        var bytes = b.Build();
        using var file = MappedFile.FromBytes("rich.dll", bytes);
        var fromFile = PeImage.FromFile(file);
        var memory = new RegionMemory().Add(b.ImageBase, PeBuilder.MapImage(bytes, b));
        var fromMemory = PeImage.FromMemory(memory, b.ImageBase);

        Assert.Equal(PeLayout.File, fromFile.Layout);
        Assert.Equal(PeLayout.Mapped, fromMemory.Layout);
        Assert.Equal(fromFile.FileHeader, fromMemory.FileHeader);
        Assert.Equal(fromFile.OptionalHeader, fromMemory.OptionalHeader);
        Assert.Equal(fromFile.Sections, fromMemory.Sections);

        var imports = fromFile.ReadImports();
        Assert.Equal(["KERNEL32.dll", "ntdll.dll"], imports.Select(i => i.DllName));
        Assert.Equal([("GetProcAddress", (ushort)0x2b5, (ushort?)null), ("ExitProcess", (ushort)0x15e, null), (null, 0, 17)],
            imports[0].Functions.Select(f => (f.Name, f.Hint, f.Ordinal)));
        Assert.Equal(Flatten(imports), Flatten(fromMemory.ReadImports()));

        var exports = fromFile.ReadExports()!;
        Assert.Equal("rich.dll", exports.DllName);
        Assert.Equal([(5u, "Alpha", (string?)null), (6u, null, null), (7u, "Beta", "KERNEL32.GetProcAddress"), (9u, "Gamma", null)],
            exports.Exports.Select(e => (e.Ordinal, e.Name, e.Forwarder)));
        Assert.Equal(exports.Exports, fromMemory.ReadExports()!.Exports);

        var cv = fromFile.ReadCodeView()!;
        Assert.Equal(("RSDS", PdbGuid, 3u, @"d:\build\rich.pdb"), (cv.Format, cv.Guid, cv.Age, cv.PdbPath));
        Assert.Equal(cv, fromMemory.ReadCodeView());

        Assert.Equal([new PeRuntimeFunction(0x1000, 0x1010, 0x2000), new PeRuntimeFunction(0x1010, 0x1040, 0x2008), new PeRuntimeFunction(0x1040, 0x1100, 0x2010)],
            fromFile.ReadRuntimeFunctions());
        Assert.Equal(fromFile.ReadRuntimeFunctions(), fromMemory.ReadRuntimeFunctions());
    }

    private static List<string> Flatten(IReadOnlyList<PeImportedModule> m) =>
        m.SelectMany(d => d.Functions.Select(f => $"{d.DllName}!{f.Name}#{f.Ordinal}@{f.IatRva:x}")).ToList();

    [LlvmFact]
    public void SyntheticTablesAgreeWithReadobj()
    {
        foreach (bool is64 in new[] { true, false })
        {
            string path = WriteTemp(RichDll(is64).Build(), is64 ? "rich64.dll" : "rich32.dll");
            try
            {
                PeDirectoriesVersusReadobjTests.AssertImportsMatch(path);
                PeDirectoriesVersusReadobjTests.AssertExportsMatch(path);
                var pdb = LlvmReadobj.Run("--coff-debug-directory", path).Child("DebugDirectory")!.Child("DebugEntry")!.Child("PDBInfo")!;
                Assert.Equal(@"d:\build\rich.pdb", pdb["PDBFileName"]);
                Assert.Equal(3UL, pdb.Number("PDBAge"));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void MissingPageInMemoryIsReportedAsAFault()
    {
        var b = RichDll();
        var mapped = PeBuilder.MapImage(b.Build(), b);
        var idata = b.Sections.Single(s => s.Name == ".idata");
        // Everything but the .idata page: the headers parse, the import table faults.
        var memory = new RegionMemory()
            .Add(b.ImageBase, mapped[..(int)idata.VirtualAddress])
            .Add(b.ImageBase + idata.VirtualAddress + 0x1000, mapped[(int)(idata.VirtualAddress + 0x1000)..]);
        var image = PeImage.FromMemory(memory, b.ImageBase);
        Assert.Equal(b.Sections.Count, image.Sections.Count);
        var e = Assert.Throws<MemoryFaultException>(() => image.ReadImports());
        Assert.Equal(b.ImageBase + idata.VirtualAddress, e.Fault.Address);
        // Other tables are still readable.
        Assert.Equal(3, image.ReadRuntimeFunctions().Count);

        // The header page itself missing: the reader says where, it does not invent zeros.
        var noHeaders = new RegionMemory().Add(b.ImageBase + 0x1000, mapped[0x1000..]);
        var h = Assert.Throws<MemoryFaultException>(() => PeImage.FromMemory(noHeaders, b.ImageBase));
        Assert.Equal(b.ImageBase, h.Fault.Address);
    }

    [Fact]
    public void DhReportsAnUnreadableDebugDirectoryAndKeepsTheRest()
    {
        var b = RichDll();
        var mapped = PeBuilder.MapImage(b.Build(), b);
        var rdata = b.Sections.Single(s => s.Name == ".rdata");
        var t = new FakeTarget();
        t.Regions.Add(b.ImageBase, mapped[..(int)rdata.VirtualAddress]);
        t.Regions.Add(b.ImageBase + rdata.VirtualAddress + 0x1000, mapped[(int)(rdata.VirtualAddress + 0x1000)..]);
        var text = Run.Text(t, "!dh 180000000");
        Assert.Contains("SECTION HEADER #5", text);
        Assert.Contains("Debug Directories(1)", text);
        Assert.Contains($"Can't read debug dir: memory at {Hex.Address(b.ImageBase + rdata.VirtualAddress)} is unavailable", text);

        // With every page present the CodeView line is there, after the section that holds it.
        var full = new FakeTarget();
        full.Regions.Add(b.ImageBase, mapped);
        var lines = Run.Lines(full, "!dh -s 180000000");
        int section4 = Array.IndexOf(lines, "SECTION HEADER #4");
        int table = Array.IndexOf(lines, "Debug Directories(1)");
        Assert.True(table > section4 && table < Array.IndexOf(lines, "SECTION HEADER #5"));
        Assert.Matches(@"^\tcv {11}[0-9a-f]+ {4} +[0-9a-f]+ +[0-9a-f]+\tFormat: RSDS, guid, 3, d:\\build\\rich\.pdb$", lines[table + 2]);
    }

    [Fact]
    public void Arm64PdataEntriesAreEightBytes()
    {
        var b = new PeBuilder(is64: true) { Machine = 0xAA64 };
        b.AddSection(".text", 0x60000020, new byte[0x100]);
        var pdata = b.AddSection(".pdata", 0x40000040, _ =>
        {
            var d = new byte[24];
            uint[] words = [0x1000, 0x0020_0011, 0x1040, 0x2000, 0x1080, 0x0040_0019];
            for (int i = 0; i < words.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(i * 4), words[i]);
            return d;
        });
        b.Directory(3, pdata.VirtualAddress, 24);
        using var file = MappedFile.FromBytes("arm64.dll", b.Build());
        var image = PeImage.FromFile(file);
        Assert.Equal([new PeRuntimeFunction(0x1000, null, 0x0020_0011), new PeRuntimeFunction(0x1040, null, 0x2000), new PeRuntimeFunction(0x1080, null, 0x0040_0019)],
            image.ReadRuntimeFunctions());

        // x86 images have no .pdata: an exception directory there is ignored, not misread.
        var x86 = new PeBuilder(is64: false);
        x86.AddSection(".text", 0x60000020, new byte[0x100]);
        x86.Directory(3, 0x1000, 0x24);
        using var f32 = MappedFile.FromBytes("x86.dll", x86.Build());
        Assert.Empty(PeImage.FromFile(f32).ReadRuntimeFunctions());
    }

    [Fact]
    public void DhResultSerializesToJson()
    {
        var b = RichDll();
        var t = new FakeTarget();
        t.Regions.Add(b.ImageBase, PeBuilder.MapImage(b.Build(), b));
        var exec = new Ntdbg.Commands.Engine.CommandExecutor(new Ntdbg.Commands.Session.DebugSession(t));
        var outcome = exec.ExecuteLine("!dh 180000000").Single();
        string json = Ntdbg.Commands.Rendering.Json.JsonRendering.Render(outcome);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var result = doc.RootElement.GetProperty("result");
        Assert.Equal("DhReport", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(0x8664, result.GetProperty("fileHeader").GetProperty("machine").GetInt32());
        Assert.Equal(5, result.GetProperty("sections").GetArrayLength());
        Assert.Equal(@"d:\build\rich.pdb", result.GetProperty("debugDirectories").GetProperty("entries")[0].GetProperty("codeView").GetProperty("pdbPath").GetString());
    }

    [Fact]
    public void Nb10RecordIsReadAndPrintedAsWinDbgDoes()
    {
        // winmine.exe from Windows XP carried an NB10 record; WinDbg printed
        // "cv           1c        13d0      7d0    Format: NB10, 3a98e856, 1, winmine.pdb".
        var b = new PeBuilder(is64: false) { Characteristics = 0x10F, ImageBase = 0x1000000, SizeOfHeaders = 0x400 };
        PeTables.Table? debug = null;
        b.AddSection(".text", 0x60000020, rva =>
        {
            debug = PeTables.DebugNb10(rva, 0x400, 0x3a98e856, 1, "winmine.pdb");
            return debug.Data;
        });
        b.Directory(6, debug!.DirectoryRva, debug.DirectorySize);
        var bytes = b.Build();
        using var file = MappedFile.FromBytes("winmine.exe", bytes);
        var cv = PeImage.FromFile(file).ReadCodeView()!;
        Assert.Equal(("NB10", 0x3a98e856u, 1u, "winmine.pdb"), (cv.Format, cv.Nb10Signature, cv.Age, cv.PdbPath));

        var t = new FakeTarget { Machine = Ntdbg.Targets.Model.Machine.X86 };
        t.Regions.Add(b.ImageBase, PeBuilder.MapImage(bytes, b));
        var lines = Run.Lines(t, "!dh -s 1000000");
        Assert.Equal("\tcv           1c        101c      41c\tFormat: NB10, 3a98e856, 1, winmine.pdb", lines[^1]);
        Assert.Equal("\tType       Size     Address  Pointer", lines[^2]);
        Assert.Equal("Debug Directories(1)", lines[^3]);
    }

    [Fact]
    public void BoundIatWithoutLookupTableIsNotMisreadInMemory()
    {
        var b = RichDll();
        var bytes = b.Build();
        var idata = b.Sections.Single(s => s.Name == ".idata");
        // Clear OriginalFirstThunk of the first descriptor: only the IAT names the imports.
        Array.Clear(bytes, (int)idata.PointerToRawData, 4);
        using var file = MappedFile.FromBytes("rich.dll", bytes);
        Assert.Equal(["GetProcAddress", "ExitProcess", null], PeImage.FromFile(file).ReadImports()[0].Functions.Select(f => f.Name));

        // In memory the loader has overwritten the IAT with addresses: names are unknown, not garbage.
        var mapped = PeBuilder.MapImage(bytes, b);
        var first = PeImage.FromFile(file).ReadImports()[0];
        for (int k = 0; k < first.Functions.Count; k++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(mapped.AsSpan((int)first.FirstThunk + k * 8), 0x7ffe_1234_0000UL + (ulong)k * 16);
        var image = PeImage.FromMemory(new RegionMemory().Add(b.ImageBase, mapped), b.ImageBase);
        var imports = image.ReadImports();
        Assert.Equal("KERNEL32.dll", imports[0].DllName);
        Assert.Empty(imports[0].Functions);
        Assert.Equal(["RtlUnwind"], imports[1].Functions.Select(f => f.Name));
    }
}
