using Ntdbg.Symbols.Locators;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Symbols;

public class SymbolLocatorServiceTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Sympath_symfix_and_their_plus_forms_change_the_path()
    {
        var service = new SymbolLocatorService();
        service.SetPath("/a");
        service.AppendPath("/b");
        Assert.Equal("/a;/b", service.Path.ToString());
        service.Symfix("/cache", append: true);
        Assert.Equal("/a;/b;srv*/cache*https://msdl.microsoft.com/download/symbols", service.Path.ToString());
        Assert.Equal(4, service.Chain.Locators.Count);
        service.Symfix();
        Assert.Equal($"srv*{SymbolPath.DefaultCache}*https://msdl.microsoft.com/download/symbols", service.Path.ToString());
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Reload_style_lookup_of_many_keys_with_noisy_output()
    {
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store);
        var cache = _temp.New("service");
        var service = new SymbolLocatorService(SymbolPath.Parse($"srv*{cache}*{server.Url}"), SymbolTestFiles.FastOptions()) { Noisy = true };
        var missing = new SymbolKey("nothere.sys", "12345678abc");
        SymbolKey[] keys = [SymbolTestFiles.AmdppmPdb, SymbolTestFiles.ImageKey("amdppm.sys"), missing, SymbolTestFiles.ImageKey("Wdf01000.sys")];
        var noisy = new List<string>();
        var results = await service.FindManyAsync(keys, noisyOutput: noisy.Add);
        Assert.Equal([true, true, false, true], results.Select(r => r.Found).ToArray());
        Assert.Equal(keys, results.Select(r => r.Key).ToArray());
        Assert.Contains(noisy, l => l.Contains("nothere.sys") && l.Contains("404"));

        service.Noisy = false;
        noisy.Clear();
        Assert.True(service.Find(SymbolTestFiles.AmdppmPdb, noisy.Add).Found);
        Assert.Empty(noisy);
    }
}
