using Ntdbg.Tests.Support;
using System.IO.Compression;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Symbols.Cab;
using Ntdbg.Synth.Cab;

namespace Ntdbg.Tests.Symbols;

public class CabArchiveTests
{
    private static byte[] Extract(byte[] cab, string name = "f.bin")
    {
        using var file = MappedFile.FromBytes("test.cab", cab);
        var archive = CabArchive.Open(file);
        var entry = archive.Files.Single(f => f.Name == name);
        var output = new MemoryStream();
        archive.Extract(entry, output);
        return output.ToArray();
    }

    private static byte[] Sample(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        // Some repetition so deflate has matches inside a block.
        for (int i = 1000; i + 64 < length; i += 4000) data.AsSpan(i - 1000, 64).CopyTo(data.AsSpan(i));
        return data;
    }

    [Theory]
    [InlineData(CabBlockEncoding.Stored)]
    [InlineData(CabBlockEncoding.MsZipIndependent)]
    [InlineData(CabBlockEncoding.MsZipCrossBlock)]
    public void Extracts_byte_identical_files_over_several_blocks(CabBlockEncoding encoding)
    {
        var first = Sample(100_000, 1);
        var second = Sample(5_000, 2);
        var cab = new CabBuilder { Encoding = encoding }.Add("first.bin", first).Add("f.bin", second).Build();
        Assert.Equal(first, Extract(cab, "first.bin"));
        Assert.Equal(second, Extract(cab, "f.bin")); // starts inside block 3 of the folder
    }

    [Fact]
    public void MsZip_blocks_that_copy_from_the_previous_block_are_inflated_with_its_window()
    {
        var block = Sample(CabBuilder.BlockSize, 3);
        var data = block.Concat(block).Concat(block.AsSpan(0, 1234).ToArray()).ToArray();
        var cab = new CabBuilder { Encoding = CabBlockEncoding.MsZipCrossBlock }.Add("f.bin", data).Build();
        Assert.Equal(data, Extract(cab));

        // The second block really depends on the first: alone, deflate rejects its distances.
        using var file = MappedFile.FromBytes("x.cab", cab);
        var archive = CabArchive.Open(file);
        long secondBlock = archive.Folders[0].FirstDataOffset;
        secondBlock += 8 + Le.U16(file.Span(secondBlock, 8, "CFDATA"), 4);
        int packed = Le.U16(file.Span(secondBlock, 8, "CFDATA"), 4);
        Assert.True(packed < 2000, $"block 2 is {packed} bytes: it should be nearly all back-references");
        var alone = file.Span(secondBlock + 8 + 2, packed - 2, "block").ToArray();
        Assert.ThrowsAny<InvalidDataException>(() => new DeflateStream(new MemoryStream(alone), CompressionMode.Decompress).CopyTo(Stream.Null));
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public void Real_symbol_files_round_trip_through_msZip()
    {
        foreach (var name in new[] { "amdppm.pdb", "amdppm.sys", "Wdf01000.sys" })
        {
            var original = File.ReadAllBytes(SymbolTestFiles.FindFile(name));
            var cab = new CabBuilder().Add(name, original).Build();
            Assert.True(cab.Length < original.Length, $"{name}: {cab.Length} >= {original.Length}");
            Assert.Equal(original, Extract(cab, name));
        }
    }

    [Fact]
    public void Hostile_cabinets_fail_with_one_clear_line()
    {
        var good = new CabBuilder().Add("f.bin", Sample(70_000, 4)).Build();

        var problems = new List<string>();
        void Expect(byte[] cab)
        {
            var e = Assert.Throws<DumpFormatException>(() => Extract(cab));
            Assert.DoesNotContain('\n', e.Message);
            problems.Add(e.Problem);
        }

        Expect(good.AsSpan(0, good.Length - 100).ToArray());          // truncated
        var badSig = (byte[])good.Clone(); badSig[0] = (byte)'X'; Expect(badSig);
        var badFolder = (byte[])good.Clone(); BitConverter.TryWriteBytes(badFolder.AsSpan(44 + 8), (ushort)7); Expect(badFolder);
        var manyFiles = (byte[])good.Clone(); BitConverter.TryWriteBytes(manyFiles.AsSpan(28), (ushort)60000); Expect(manyFiles);
        var noCk = (byte[])good.Clone(); int firstData = BitConverter.ToInt32(good, 36); noCk[firstData + 8] = (byte)'X'; Expect(noCk);
        var bigBlock = (byte[])good.Clone(); BitConverter.TryWriteBytes(bigBlock.AsSpan(firstData + 6), (ushort)40000); Expect(bigBlock);
        var garbled = (byte[])good.Clone(); for (int i = firstData + 10; i < firstData + 60; i++) garbled[i] ^= 0x5A; Expect(garbled);
        var summed = new CabBuilder { Checksums = true }.Add("f.bin", Sample(70_000, 4)).Build();
        Assert.Equal(Sample(70_000, 4), Extract(summed));
        var flipped = (byte[])summed.Clone(); flipped[firstData + 8 + 100] ^= 0x01; Expect(flipped);
        Assert.Contains("checksum", problems[^1]);
        // symstore.exe /compress writes LZX; not decoded yet, so it must say so in one line.
        var lzx = (byte[])good.Clone(); BitConverter.TryWriteBytes(lzx.AsSpan(36 + 6), (ushort)0x1503); Expect(lzx);
        Assert.Contains("Lzx-compressed", problems[^1]);
        Assert.Equal(9, problems.Count);
    }
}

/// <summary>Cabinets written by gcab (GNOME's cabinet tool, zlib-based MSZIP), an independent writer.</summary>
public class GcabCabinetTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    [ToolFact("gcab")]
    public void Extracts_what_gcab_compressed_byte_for_byte()
    {
        var work = _temp.New("gcab");
        foreach (var name in new[] { "amdppm.pdb", "amdppm.sys", "Wdf01000.sys" })
        {
            var original = SymbolTestFiles.FindFile(name);
            File.Copy(original, Path.Combine(work, name));
            var cabPath = Path.Combine(work, name[..^1] + "_");
            var psi = new System.Diagnostics.ProcessStartInfo(Tools.Find("gcab")!) { WorkingDirectory = work, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-c", "-z", "-n", cabPath, name }) psi.ArgumentList.Add(a);
            using (var p = System.Diagnostics.Process.Start(psi)!) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }

            var expanded = Path.Combine(work, name + ".out");
            Assert.Null(Ntdbg.Symbols.Locators.SymbolFileCheck.ExpandCabinet(cabPath, name, expanded));
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(expanded));
        }
    }
}

public class CabMutationTests
{
    [Fact]
    public void Mutated_cabinets_give_a_file_or_one_line_never_a_crash_or_hang()
    {
        var data = new byte[80_000];
        new Random(7).NextBytes(data.AsSpan(0, 40_000));
        data.AsSpan(0, 40_000).CopyTo(data.AsSpan(40_000)); // cross-block references
        byte[][] seeds =
        [
            new CabBuilder { Encoding = CabBlockEncoding.MsZipCrossBlock }.Add("f.bin", data).Build(),
            new CabBuilder { Encoding = CabBlockEncoding.MsZipIndependent, Checksums = true }.Add("a", data[..3000]).Add("f.bin", data).Build(),
            new CabBuilder { Encoding = CabBlockEncoding.Stored }.Add("f.bin", data[..50_000]).Build(),
        ];
        var mutator = new Ntdbg.Fuzz.Mutator(11);
        var rng = new Random(11);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int failures = 0;
        for (int i = 0; i < 1500; i++)
        {
            var input = mutator.Mutate(seeds[rng.Next(seeds.Length)]);
            try
            {
                using var file = MappedFile.FromBytes("m.cab", input);
                var cab = CabArchive.Open(file);
                foreach (var entry in cab.Files) cab.Extract(entry, Stream.Null);
            }
            catch (DumpFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                failures++;
            }
        }
        Assert.True(failures > 100, $"only {failures} mutants were rejected: the mutator is not reaching the reader");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"1500 mutants took {watch.Elapsed}");
    }
}
