using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Image;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>Opening a driver as a target (WinDbg's -z image): one module, sections mapped at their RVAs.</summary>
public class ImageTargetTests
{
    private const string Amdppm = "kernel/symstore/amdppm.sys/c9c030003b000/amdppm.sys";

    [SharedDataFact(Amdppm)]
    public void ModuleMatchesTheSymbolStoreKeys()
    {
        using var t = ImageTarget.Open(TestData.Shared(Amdppm));
        Assert.Equal(TargetKind.Image, t.Kind);
        Assert.Equal(Machine.X64, t.Machine);
        Assert.Equal(8, t.PointerSize);
        Assert.Empty(t.Threads);
        Assert.Null(t.Exception);
        var m = Assert.Single(t.Modules);
        Assert.Equal("amdppm", m.Name);
        // The symbol store filed the image under TimeDateStamp%08X + SizeOfImage%x, and its PDB under GUID+age.
        Assert.Equal("c9c030003b000", $"{m.TimeDateStamp:x8}{m.Size:x}");
        Assert.Equal("1C19FDDB27BB3399D9B45973EFEAFCF31", m.CodeView!.SymbolKey);
        Assert.Equal("amdppm.pdb", m.CodeView.PdbPath);
        Assert.True(Directory.Exists(TestData.Shared($"kernel/symstore/amdppm.pdb/{m.CodeView.SymbolKey}")));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0xC9C03000), t.Times.DumpTime);
        Assert.Empty(t.Warnings);
    }

    [PeOracleTheory]
    [MemberData(nameof(RealPeFiles.All), MemberType = typeof(RealPeFiles))]
    public void SectionsAreMappedAtTheirRvas(string relative)
    {
        string path = TestData.Shared(relative);
        var file = File.ReadAllBytes(path);
        var oracle = LlvmReadobj.Run("--file-headers", "--sections", path);
        ulong imageBase = oracle.Child("ImageOptionalHeader")!.Number("ImageBase");
        using var t = ImageTarget.Open(path);
        Assert.Equal(imageBase, t.Modules[0].Base);

        // Headers at the base.
        var head = new byte[0x200];
        Assert.Equal(head.Length, t.Memory.Read(imageBase, head, out _));
        Assert.Equal(file[..0x200], head);

        foreach (var s in oracle.Child("Sections")!.All("Section"))
        {
            ulong va = imageBase + s.Number("VirtualAddress");
            int virtualSize = (int)s.Number("VirtualSize");
            int raw = (int)s.Number("RawDataSize");
            int pointer = (int)s.Number("PointerToRawData");
            var bytes = new byte[virtualSize];
            Assert.Equal(virtualSize, t.Memory.Read(va, bytes, out var fault));
            Assert.Null(fault);
            int fromFile = Math.Min(raw, virtualSize);
            Assert.Equal(file.AsSpan(pointer, fromFile).ToArray(), bytes[..fromFile]);
            // Past the raw data, inside the virtual size: zero-fill, which is the section's real content.
            Assert.All(bytes[fromFile..], b => Assert.Equal(0, b));

            // RVA -> file offset: backed bytes map into the raw data, the zero-filled tail maps nowhere.
            uint rva = (uint)s.Number("VirtualAddress");
            if (fromFile > 0)
            {
                Assert.Equal(pointer, t.Image.RvaToFileOffset(rva));
                Assert.Equal(pointer + fromFile - 1, t.Image.RvaToFileOffset(rva + (uint)fromFile - 1));
            }
            if (virtualSize > raw) Assert.Null(t.Image.RvaToFileOffset(rva + (uint)raw));
        }

        // Outside the image: holes with a reason, never zeros.
        ulong size = oracle.Child("ImageOptionalHeader")!.Number("SizeOfImage");
        var one = new byte[1];
        Assert.Equal(0, t.Memory.Read(imageBase + size, one, out var after));
        Assert.Equal(imageBase + size, after!.Address);
        Assert.Equal(MemoryFaultKind.NotInDump, after.Kind);
        Assert.Equal(0, t.Memory.Read(imageBase - 1, one, out var before));
        Assert.NotNull(before);
    }

    [SharedDataFact(Amdppm)]
    public void DataSectionZeroFillIsReadable()
    {
        using var t = ImageTarget.Open(TestData.Shared(Amdppm));
        // .data: VirtualSize 0x5D88 but only 0x200 bytes in the file.
        var data = t.Image.Sections.Single(s => s.Name == ".data");
        Assert.True(data.VirtualSize > data.SizeOfRawData);
        var tail = new byte[0x100];
        Assert.Equal(tail.Length, t.Memory.Read(t.Modules[0].Base + data.VirtualAddress + data.SizeOfRawData + 0x10, tail, out _));
        Assert.All(tail, b => Assert.Equal(0, b));

        // Chunks visit the same bytes a read returns.
        var viaRead = new byte[0x3000];
        ulong start = t.Modules[0].Base + 0x1000;
        t.Memory.Read(start, viaRead, out _);
        var viaChunks = new byte[0x3000];
        t.Memory.VisitChunks(start, start + 0x3000, (a, d) => { d.CopyTo(viaChunks.AsSpan((int)(a - start))); return true; });
        Assert.Equal(viaRead, viaChunks);
    }

    [SharedDataFact(Amdppm)]
    public void CommandsRunAgainstTheImage()
    {
        using var t = ImageTarget.Open(TestData.Shared(Amdppm));
        var lm = Run.Lines(t, "lm");
        Assert.Contains(lm, l => l.StartsWith("00000001`c0000000 00000001`c003b000   amdppm", StringComparison.Ordinal));
        var dh = Run.Text(t, "!dh -f amdppm");
        Assert.Contains("    8664 machine (X64)", dh);
        Assert.Contains("00000001c0000000 image base", dh);
        // The loader's TargetLoader picks the image reader by its MZ signature.
        using var loaded = TargetLoader.Open(TestData.Shared(Amdppm));
        Assert.IsType<ImageTarget>(loaded);
    }

    [SharedDataFact(Amdppm)]
    public void DisposingTwiceIsHarmless()
    {
        // Owners may dispose a target more than once (the fuzzer found a crash here).
        var t = ImageTarget.Open(TestData.Shared(Amdppm));
        t.Dispose();
        t.Dispose();
    }
}
