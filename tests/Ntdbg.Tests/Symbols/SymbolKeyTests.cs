using Ntdbg.Symbols.Locators;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Symbols;

public class SymbolKeyTests
{
    [Fact]
    public void Pdb_key_is_guid_upper_n_then_age_hex()
    {
        var key = SymbolKey.ForPdb(@"d:\build\amdppm.pdb", Guid.Parse("1c19fddb-27bb-3399-d9b4-5973efeafcf3"), 1);
        Assert.Equal("amdppm.pdb/1C19FDDB27BB3399D9B45973EFEAFCF31/amdppm.pdb", key.RelativePath);
        Assert.Equal("1C19FDDB27BB3399D9B45973EFEAFCF3A", SymbolKey.ForPdb("x.pdb", Guid.Parse("1c19fddb-27bb-3399-d9b4-5973efeafcf3"), 10).Index);
    }

    [Fact]
    public void Image_key_is_timestamp_8_upper_hex_then_size_lower_hex()
    {
        var key = SymbolKey.ForImage("/x/ntoskrnl.exe", 0x0A1B2C3D, 0xA4F000);
        Assert.Equal("ntoskrnl.exe/0A1B2C3Da4f000/ntoskrnl.exe", key.RelativePath);
    }

    [Fact]
    public void Keys_compare_ignoring_case_and_name_their_compressed_file()
    {
        Assert.Equal(new SymbolKey("AMDPPM.PDB", "1c19fddb27bb3399d9b45973efeafcf31"), SymbolTestFiles.AmdppmPdb);
        Assert.Equal("amdppm.pd_", SymbolTestFiles.AmdppmPdb.CompressedFileName);
        Assert.Equal("Wdf01000.sy_", new SymbolKey("Wdf01000.sys", "1").CompressedFileName);
        Assert.Equal("am", SymbolTestFiles.AmdppmPdb.TwoTierPrefix);
    }

    [Theory]
    [InlineData("../x", "1")]
    [InlineData("a.pdb", "../1")]
    [InlineData("a.pdb", "")]
    [InlineData("a*b", "1")]
    public void Rejects_names_that_escape_the_store(string name, string index) =>
        Assert.Throws<ArgumentException>(() => new SymbolKey(name, index));

    [ToolFact("llvm-pdbutil")]
    public void Pdb_key_from_llvm_pdbutil_guid_matches_the_store_folder()
    {
        var summary = Tools.Run("llvm-pdbutil", "dump", "-summary", TestData.Shared(SymbolTestFiles.AmdppmPdbRelative));
        var guidLine = summary.Split('\n').Single(l => l.Trim().StartsWith("GUID:"));
        var guid = Guid.Parse(guidLine.Trim()[5..].Trim());
        // DBI age 1 names the store folder (the info stream says 3).
        var key = SymbolKey.ForPdb("amdppm.pdb", guid, 1);
        Assert.True(Directory.Exists(Path.Combine(SymbolTestFiles.Store, key.FileName, key.Index)));
        Assert.Equal("1C19FDDB27BB3399D9B45973EFEAFCF31", key.Index);
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public void Image_keys_from_pe_headers_match_the_store_folders_ignoring_case()
    {
        foreach (var name in new[] { "amdppm.sys", "Wdf01000.sys" })
        {
            var key = SymbolTestFiles.ImageKey(name);
            var dir = Directory.GetDirectories(Path.Combine(SymbolTestFiles.Store, name)).Single();
            Assert.Equal(Path.GetFileName(dir), key.Index, ignoreCase: true);
            // The store was written in lower case; our key is upper case: lookups must not care.
            Assert.NotNull(StoreLayout.ResolveIgnoringCase(SymbolTestFiles.Store, key.FileName, key.Index, key.FileName));
        }
    }
}
