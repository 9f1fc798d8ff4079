using System.Buffers.Binary;
using System.Diagnostics;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pe;
using Ntdbg.Synth;
using Ntdbg.Targets.Image;

namespace Ntdbg.Tests.Pe;

/// <summary>Malformed images fail with one line naming the file, the offset and the problem — quickly.</summary>
public class HostilePeTests
{
    private static DumpFormatException Fails(byte[] bytes, Action<PeImage>? read = null)
    {
        var sw = Stopwatch.StartNew();
        using var file = MappedFile.FromBytes("hostile.sys", bytes);
        var e = Assert.Throws<DumpFormatException>(() =>
        {
            var image = PeImage.FromFile(file);
            read?.Invoke(image);
        });
        Assert.True(sw.ElapsedMilliseconds < 2000, $"took {sw.ElapsedMilliseconds} ms");
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("hostile.sys: offset 0x", e.Message);
        return e;
    }

    private static byte[] Valid(out PeBuilder b)
    {
        b = PeSyntheticTests.RichDll();
        return b.Build();
    }

    [Fact]
    public void NewHeaderOffsetPastTheEnd()
    {
        var bytes = Valid(out _);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0x3c), 0x7fff0000);
        Assert.Contains("e_lfanew", Fails(bytes).Problem);

        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0x3c), bytes.Length - 8);
        Assert.Contains("past the end of the file", Fails(bytes).Problem);

        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(0x3c), -4);
        Assert.Contains("e_lfanew", Fails(bytes).Problem);
    }

    [Fact]
    public void NotAnImage()
    {
        Assert.Contains("MZ", Fails("ELF........................................................................"u8.ToArray()).Problem);
        Assert.Contains("past the end", Fails("MZ"u8.ToArray()).Problem);
        var bytes = Valid(out _);
        bytes[0x80] = (byte)'X';
        Assert.Contains("no PE signature", Fails(bytes).Problem);
    }

    [Fact]
    public void SixtyFiveThousandSections()
    {
        var bytes = Valid(out var b);
        b.NumberOfSectionsOverride = 65535;
        var e = Fails(b.Build());
        Assert.Contains("section count 65535 exceeds the limit of 96", e.Problem);
        Assert.Equal(0x80 + 6, e.Offset);
        _ = bytes;
    }

    [Fact]
    public void OptionalHeaderTooSmallOrUnknown()
    {
        Valid(out var b);
        b.SizeOfOptionalHeader = 0x40;
        Assert.Contains("smaller than", Fails(b.Build()).Problem);

        var bytes = Valid(out _);
        bytes[0x80 + 24] = 0x07; // magic 0x207
        Assert.Contains("magic", Fails(bytes).Problem);
    }

    [Fact]
    public void ExportCountOfTwoToThe32()
    {
        var bytes = Valid(out var b);
        var edata = b.Sections.Single(s => s.Name == ".edata");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)edata.PointerToRawData + 20), 0xFFFFFFFF);
        var e = Fails(bytes, i => i.ReadExports());
        Assert.Contains("export function count 4294967295 exceeds the limit", e.Problem);

        bytes = Valid(out b);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)edata.PointerToRawData + 24), 0x80000000);
        Assert.Contains("export name count", Fails(bytes, i => i.ReadExports()).Problem);

        // Within the limit but the table would run off its section.
        bytes = Valid(out b);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)edata.PointerToRawData + 20), 900_000);
        Assert.Contains("export address table", Fails(bytes, i => i.ReadExports()).Problem);
    }

    [Fact]
    public void ImportDescriptorsWithoutTerminator()
    {
        // 5000 valid descriptors and no all-zero one: the walk stops at the descriptor limit.
        var b = new PeBuilder(is64: true);
        b.AddSection(".text", 0x60000020, new byte[0x10]);
        const int count = 5000;
        int tail = count * 20;
        var idata = b.AddSection(".idata", 0xC0000040, rva =>
        {
            var d = new byte[tail + 0x100];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(i * 20 + 0), rva + (uint)tail);        // empty lookup table
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(i * 20 + 12), rva + (uint)tail + 0x80); // "x.dll"
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(i * 20 + 16), rva + (uint)tail);
            }
            "x.dll"u8.CopyTo(d.AsSpan(tail + 0x80));
            return d;
        });
        b.Directory(1, idata.VirtualAddress, 20);
        var e = Fails(b.Build(), i => i.ReadImports());
        Assert.Contains("import descriptor count exceeds the limit of 4096", e.Problem);
    }

    [Fact]
    public void ThunksWithoutTerminator()
    {
        // A lookup table of 70000 ordinal thunks and no zero: capped at the per-DLL limit.
        var b = new PeBuilder(is64: false);
        b.AddSection(".text", 0x60000020, new byte[0x10]);
        const int thunks = 70000;
        var idata = b.AddSection(".idata", 0xC0000040, rva =>
        {
            var d = new byte[0x100 + thunks * 4];
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(0), rva + 0x100);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), rva + 0x80);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(16), rva + 0x100);
            "y.dll"u8.CopyTo(d.AsSpan(0x80));
            for (int k = 0; k < thunks; k++) BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(0x100 + k * 4), 0x80000001);
            return d;
        });
        b.Directory(1, idata.VirtualAddress, 40);
        Assert.Contains("import thunk count for y.dll exceeds the limit of 65536", Fails(b.Build(), i => i.ReadImports()).Problem);
    }

    [Fact]
    public void ThunkLoopIsCappedAndNamesAreBounded()
    {
        // An import lookup table pointing into a huge zero-free region gets capped, not walked forever.
        var b = new PeBuilder(is64: false);
        var big = Enumerable.Repeat((byte)0x41, 0x80000).ToArray(); // 'AAAA' thunks: hint/name RVA 0x41414141 in no section
        b.AddSection(".text", 0x60000020, new byte[0x10]);
        var data = b.AddSection(".idata", 0xC0000040, rva =>
        {
            var d = (byte[])big.Clone();
            Array.Clear(d, 0, 40);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(0), rva + 0x100);   // lookup table
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), rva + 40);     // name "AAAA...": unterminated for 0x80000 bytes
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(16), rva + 0x100);
            return d;
        });
        b.Directory(1, data.VirtualAddress, 40);
        var e = Fails(b.Build(), i => i.ReadImports());
        Assert.Contains("longer than 32768 characters", e.Problem);
    }

    [Fact]
    public void RelocationBlockOfSizeZero()
    {
        var b = new PeBuilder(is64: true);
        b.AddSection(".text", 0x60000020, new byte[0x10]);
        var reloc = b.AddSection(".reloc", 0x42000040, new byte[0x20]); // block with SizeOfBlock 0
        b.Directory(5, reloc.VirtualAddress, 0x20);
        Assert.Contains("base relocation block #0 has size 0x0", Fails(b.Build(), i => i.CountBaseRelocations()).Problem);
    }

    [Fact]
    public void HugeDirectorySizesAreCapped()
    {
        var bytes = Valid(out var b);
        b.Directory(3, b.Sections.Single(s => s.Name == ".pdata").VirtualAddress, 0xFFFFFFF0);
        Assert.Contains("runtime function count", Fails(b.Build(), i => i.ReadRuntimeFunctions()).Problem);
        b.Directory(6, 0x1000, 0xFFFFFFF0);
        Assert.Contains("debug directory entry count", Fails(b.Build(), i => i.ReadDebugDirectory()).Problem);
        _ = bytes;
    }

    [Fact]
    public void ImageTargetOpensWithOneLineError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-hostile-{Guid.NewGuid():N}.sys");
        var bytes = Valid(out var b);
        b.NumberOfSectionsOverride = 65535;
        File.WriteAllBytes(path, b.Build());
        try
        {
            var e = Assert.Throws<DumpFormatException>(() => ImageTarget.Open(path));
            Assert.Equal($"{Path.GetFileName(path)}: offset 0x86: section count 65535 exceeds the limit of 96", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
        _ = bytes;
    }

    [Fact]
    public void FuzzedHeadersNeverCrash()
    {
        // Random byte flips over the headers and tables: every outcome is a parse or a DumpFormatException.
        var original = Valid(out _);
        var rng = new Random(1234);
        var sw = Stopwatch.StartNew();
        for (int round = 0; round < 2000; round++)
        {
            var bytes = (byte[])original.Clone();
            int flips = rng.Next(1, 8);
            for (int k = 0; k < flips; k++)
            {
                int at = rng.Next(0, Math.Min(bytes.Length, rng.Next(2) == 0 ? 0x400 : bytes.Length));
                bytes[at] = (byte)rng.Next(256);
            }
            using var file = MappedFile.FromBytes("fuzz.dll", bytes);
            try
            {
                var image = PeImage.FromFile(file);
                Try(() => image.ReadImports());
                Try(() => image.ReadExports());
                Try(() => image.ReadDebugDirectory());
                Try(() => image.ReadRuntimeFunctions());
                Try(() => image.CountBaseRelocations());
                for (uint rva = 0; rva < 0x8000; rva += 0x321) _ = image.RvaToFileOffset(rva);
            }
            catch (DumpFormatException)
            {
            }
        }
        Assert.True(sw.ElapsedMilliseconds < 20000, $"fuzzing took {sw.ElapsedMilliseconds} ms");

        static void Try(Action a)
        {
            try { a(); }
            catch (DumpFormatException) { }
        }
    }
}
