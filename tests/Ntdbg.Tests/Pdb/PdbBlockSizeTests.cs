using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Synth.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// The same streams in MSF containers of every block size from 512 to 64 KiB ("large page"
/// PDBs) read identically; llvm-pdbutil confirms the rebuilt files when installed.
/// </summary>
public class PdbBlockSizeTests
{
    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(8192)]
    [InlineData(16384)]
    [InlineData(32768)]
    [InlineData(65536)]
    public void RebuiltWithOtherBlockSizeReadsTheSame(int blockSize)
    {
        var original = File.ReadAllBytes(TestData.Repo("fixtures/out/useheap-x64.pdb"));
        var rebuilt = MsfRebuilder.Rebuild(original, blockSize);
        using var a = MappedFile.FromBytes("original.pdb", original);
        using var b = MappedFile.FromBytes("rebuilt.pdb", rebuilt);
        var x = PdbFile.Open(a);
        var y = PdbFile.Open(b);
        Assert.Equal(blockSize, y.Msf.BlockSize);
        Assert.Equal(x.Info.Guid, y.Info.Guid);
        Assert.Equal(x.Dbi.Age, y.Dbi.Age);
        Assert.Equal(x.Publics.Select(s => (s.Name, s.Section, s.Offset)), y.Publics.Select(s => (s.Name, s.Section, s.Offset)));
        Assert.Equal(x.Globals.Count, y.Globals.Count);
        Assert.Equal(x.Modules.Select(m => m.Symbols.Count), y.Modules.Select(m => m.Symbols.Count));
        Assert.Equal(x.Types.Count, y.Types.Count);
        Assert.Equal(x.Types.All().Select(t => t.LeafName), y.Types.All().Select(t => t.LeafName));

        // llvm-pdbutil accepts block sizes up to 32 KiB.
        if (LlvmPdbUtil.Available && blockSize <= 32768)
        {
            var path = Path.Combine(Path.GetTempPath(), $"ntdbg-rebuilt-{blockSize}-{Environment.ProcessId}.pdb");
            File.WriteAllBytes(path, rebuilt);
            try
            {
                var summary = LlvmPdbUtil.ReadSummary(path);
                Assert.Equal(y.Info.Guid, summary.Guid);
                Assert.Equal(y.Publics.Count, LlvmPdbUtil.Publics(path).Count);
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void BlockSizeThatIsNotAPowerOfTwoIsRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Repo("fixtures/out/crash-x64.pdb"));
        BitConverter.GetBytes(4000u).CopyTo(bytes, 32);
        using var f = MappedFile.FromBytes("odd.pdb", bytes);
        var e = Assert.Throws<Ntdbg.Core.Errors.DumpFormatException>(() => PdbFile.Open(f));
        Assert.Contains("block size 4000", e.Message);
    }
}
