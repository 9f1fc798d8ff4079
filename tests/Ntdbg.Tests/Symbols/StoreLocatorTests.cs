using Ntdbg.Tests.Support;
using Ntdbg.Symbols.Locators;

namespace Ntdbg.Tests.Symbols;

public class StoreLocatorTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Directory_locator_finds_all_three_files_in_the_real_store_ignoring_case()
    {
        var locator = new DirectoryLocator(SymbolTestFiles.Store);
        foreach (var key in new[] { SymbolTestFiles.AmdppmPdb, SymbolTestFiles.ImageKey("amdppm.sys"), SymbolTestFiles.ImageKey("Wdf01000.sys") })
        {
            var result = await locator.FindAsync(key, new SymbolLog());
            Assert.True(result.Found, result.Message);
            Assert.Equal(File.ReadAllBytes(SymbolTestFiles.FindFile(key.FileName)), File.ReadAllBytes(result.Path!));
        }
    }

    [Fact]
    public async Task Directory_locator_finds_flat_and_ext_folder_files()
    {
        var dir = _temp.New("flat");
        Directory.CreateDirectory(Path.Combine(dir, "pdb"));
        File.WriteAllText(Path.Combine(dir, "pdb", "Foo.PDB"), "x");
        File.WriteAllText(Path.Combine(dir, "bar.sys"), "y");
        var locator = new DirectoryLocator(dir);
        var foo = await locator.FindAsync(new SymbolKey("foo.pdb", "ABC1"), new SymbolLog());
        Assert.Equal(Path.Combine(dir, "pdb", "Foo.PDB"), foo.Path);
        var bar = await locator.FindAsync(new SymbolKey("bar.sys", "1234"), new SymbolLog());
        Assert.Equal(Path.Combine(dir, "bar.sys"), bar.Path);
        var missing = await locator.FindAsync(new SymbolKey("none.pdb", "1"), new SymbolLog());
        Assert.Equal(SymbolLookupStatus.NotFound, missing.Status);
        Assert.DoesNotContain('\n', missing.Message);
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Two_tier_store_with_index2_is_read_and_written_in_two_tiers()
    {
        var store = _temp.New("index2");
        File.WriteAllText(Path.Combine(store, "index2.txt"), "");
        var key = SymbolTestFiles.AmdppmPdb;
        var twoTier = Path.Combine(store, "am", "amdppm.pdb", key.Index.ToLowerInvariant());
        Directory.CreateDirectory(twoTier);
        var original = SymbolTestFiles.FindFile("amdppm.pdb");
        File.Copy(original, Path.Combine(twoTier, "amdppm.pdb"));

        var found = await new FileCacheLocator(store).FindAsync(key, new SymbolLog());
        Assert.True(found.Found, found.Message);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(found.Path!));

        // A one-tier lookup would not find it: the layout really is two-tier.
        Assert.Null(StoreLayout.ResolveIgnoringCase(store, key.FileName, key.Index, key.FileName));

        // Writing into a two-tier cache uses the two-tier layout.
        var writer = new CacheWriter(store);
        var temp = writer.NewTempPath();
        File.WriteAllText(temp, "MZ");
        var final = writer.Commit(SymbolTestFiles.ImageKey("Wdf01000.sys"), temp);
        Assert.StartsWith(Path.Combine(store, "Wd", "Wdf01000.sys"), final);
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task File_ptr_in_a_store_redirects_to_its_path_or_gives_its_message()
    {
        var store = _temp.New("ptr");
        var key = SymbolTestFiles.AmdppmPdb;
        var dir = Path.Combine(store, key.FileName, key.Index);
        Directory.CreateDirectory(dir);
        var original = SymbolTestFiles.FindFile("amdppm.pdb");
        File.WriteAllText(Path.Combine(dir, "file.ptr"), "PATH:" + original + "\r\n");
        var found = await new FileCacheLocator(store).FindAsync(key, new SymbolLog());
        Assert.Equal(original, found.Path);

        File.WriteAllText(Path.Combine(dir, "file.ptr"), "MSG: removed for legal reasons");
        var message = await new FileCacheLocator(store).FindAsync(key, new SymbolLog());
        Assert.Equal(SymbolLookupStatus.Message, message.Status);
        Assert.Contains("removed for legal reasons", message.Message);
    }

    [Fact]
    public void Negative_cache_persists_with_an_expiry()
    {
        var dir = _temp.New("neg");
        var file = Path.Combine(dir, NegativeCache.FileName);
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var key = new SymbolKey("a.pdb", "1");
        new NegativeCache(file, () => now).Add("http://s/", key, TimeSpan.FromHours(1));
        Assert.True(new NegativeCache(file, () => now.AddMinutes(59)).IsKnownMiss("http://s", new SymbolKey("A.PDB", "1")));
        Assert.False(new NegativeCache(file, () => now.AddMinutes(61)).IsKnownMiss("http://s", key));
        Assert.False(new NegativeCache(file, () => now).IsKnownMiss("http://other", key));
        File.AppendAllText(file, "garbage line\n\t\t\n99999999999999999999\tx\ty\n");
        Assert.True(new NegativeCache(file, () => now).IsKnownMiss("http://s", key));
    }
}

public class CacheWriterTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Stale_partial_downloads_are_removed_and_fresh_ones_and_other_files_kept()
    {
        var cache = _temp.New("stale");
        var writer = new CacheWriter(cache);
        var stale = writer.NewTempPath();
        File.WriteAllText(stale, "half");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-3));
        var fresh = writer.NewTempPath();
        File.WriteAllText(fresh, "busy");
        var other = Path.Combine(cache, "notes.txt");
        File.WriteAllText(other, "mine");
        Assert.Equal(1, writer.RemoveStalePartials(TimeSpan.FromHours(1)));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void Commit_keeps_the_first_writer_when_two_race()
    {
        var cache = _temp.New("race");
        var writer = new CacheWriter(cache);
        var key = new SymbolKey("a.pdb", "1");
        var first = writer.NewTempPath();
        File.WriteAllText(first, "first");
        var second = writer.NewTempPath();
        File.WriteAllText(second, "second");
        var path1 = writer.Commit(key, first);
        var path2 = writer.Commit(key, second);
        Assert.Equal(path1, path2);
        Assert.Equal("first", File.ReadAllText(path1));
        Assert.Equal([path1], SymbolTestFiles.CachedFiles(cache));
    }
}
