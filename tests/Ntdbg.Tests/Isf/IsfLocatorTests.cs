using Ntdbg.Symbols.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Isf;

/// <summary><see cref="IsfLocator"/> on Volatility's folder layout: root, windows folder, pdb folder, any case.</summary>
public sealed class IsfLocatorTests : IDisposable
{
    private const string IsfRoot = "kernel/isf";
    private static readonly Guid Guid19041 = Guid.ParseExact("5278AFF86C341677D7D7835C85B7B844", "N");
    private static readonly Guid Guid7601 = Guid.ParseExact("339E74133576439CBCDF7E0229DA3773", "N");
    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"ntdbg-isf-loc-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_temp)) Directory.Delete(_temp, recursive: true);
    }

    private static string Real(string guidHex) => TestData.Shared($"{IsfRawJson.Folder}/{guidHex}-1.json.xz");

    [Fact]
    public void FileNamesFollowVolatility()
    {
        Assert.Equal(["5278AFF86C341677D7D7835C85B7B844-1.json.xz", "5278AFF86C341677D7D7835C85B7B844-1.json"], IsfLocator.FileNames(Guid19041, 1));
        Assert.Equal("5278AFF86C341677D7D7835C85B7B844-12.json.xz", IsfLocator.FileNames(Guid19041, 12)[0]); // age in decimal
    }

    [SharedDataFact(IsfRoot)]
    public void FindsFromTheRootTheWindowsFolderAndThePdbFolder()
    {
        foreach (var dir in new[] { IsfRoot, IsfRoot + "/windows", IsfRoot + "/windows/ntkrnlmp.pdb" })
        {
            var match = IsfLocator.Find(TestData.Shared(dir), "ntkrnlmp.pdb", Guid19041, 1);
            Assert.True(match.Found, dir);
            Assert.Equal("5278AFF86C341677D7D7835C85B7B844-1.json.xz", Path.GetFileName(match.Table!.Path));
            Assert.Empty(match.Rejected);
        }
        // The pdb name as a CodeView record spells it (path, upper case) works too.
        Assert.True(IsfLocator.Find(TestData.Shared(IsfRoot), @"D:\build\NTKRNLMP.PDB", Guid19041, 1).Found);
        Assert.True(IsfLocator.Find(TestData.Shared(IsfRoot), "ntkrnlmp.pdb", Guid7601, 1).Found);
    }

    [SharedDataFact(IsfRoot)]
    public void WrongGuidAgeOrPdbNameFindsNothing()
    {
        Assert.False(IsfLocator.Find(TestData.Shared(IsfRoot), "ntkrnlmp.pdb", Guid19041, 2).Found);
        Assert.False(IsfLocator.Find(TestData.Shared(IsfRoot), "ntkrnlmp.pdb", Guid.NewGuid(), 1).Found);
        Assert.False(IsfLocator.Find(TestData.Shared(IsfRoot), "ntoskrnl.pdb", Guid19041, 1).Found);
        Assert.False(IsfLocator.Find("/nonexistent/isf", "ntkrnlmp.pdb", Guid19041, 1).Found);
        Assert.Empty(IsfLocator.Find(TestData.Shared(IsfRoot), "ntkrnlmp.pdb", Guid19041, 2).Rejected);
    }

    [SharedDataFact(IsfRoot)]
    public void NamesAreMatchedCaseInsensitively()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "WINDOWS", "NtKrnlMp.PDB")).FullName;
        File.Copy(Real("5278AFF86C341677D7D7835C85B7B844"), Path.Combine(folder, "5278aff86c341677d7d7835c85b7b844-1.JSON.XZ"));
        var match = IsfLocator.Find(_temp, "ntkrnlmp.pdb", Guid19041, 1);
        Assert.True(match.Found);
        Assert.Equal(Guid19041, match.Table!.Metadata.PdbGuid);
    }

    [SharedDataFact(IsfRoot)]
    public void AFileWhoseMetadataNamesAnotherPdbIsRejected()
    {
        // The 7601 table copied under the 19041 name: the name matches, the metadata does not.
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "windows", "ntkrnlmp.pdb")).FullName;
        File.Copy(Real("339E74133576439CBCDF7E0229DA3773"), Path.Combine(folder, "5278AFF86C341677D7D7835C85B7B844-1.json.xz"));
        var match = IsfLocator.Find(_temp, "ntkrnlmp.pdb", Guid19041, 1);
        Assert.False(match.Found);
        Assert.Contains("339E74133576439CBCDF7E0229DA3773-1", Assert.Single(match.Rejected));
    }

    [SharedDataFact(IsfRoot)]
    public void ACorruptCandidateIsSkippedForAPlainJsonOne()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp, "windows", "ntkrnlmp.pdb")).FullName;
        var bytes = File.ReadAllBytes(Real("5278AFF86C341677D7D7835C85B7B844"));
        File.WriteAllBytes(Path.Combine(folder, "5278AFF86C341677D7D7835C85B7B844-1.json.xz"), bytes[..(bytes.Length / 2)]);
        // The same table decompressed by the system's xz, as plain .json.
        var psi = new System.Diagnostics.ProcessStartInfo("xz") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-dc");
        psi.ArgumentList.Add(Real("5278AFF86C341677D7D7835C85B7B844"));
        using (var p = System.Diagnostics.Process.Start(psi)!)
        using (var json = File.Create(Path.Combine(folder, "5278AFF86C341677D7D7835C85B7B844-1.json")))
        {
            p.StandardOutput.BaseStream.CopyTo(json);
            p.WaitForExit();
        }
        var match = IsfLocator.Find(_temp, "ntkrnlmp.pdb", Guid19041, 1);
        Assert.True(match.Found);
        Assert.EndsWith(".json", match.Table!.Path);
        Assert.Contains(".json.xz", Assert.Single(match.Rejected));
        Assert.True(match.Table.TryGetSymbolRva("KeBugCheckEx", out _));
    }
}
