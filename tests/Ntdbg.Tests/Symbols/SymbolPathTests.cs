using Ntdbg.Symbols.Locators;

namespace Ntdbg.Tests.Symbols;

public class SymbolPathTests
{
    private const string Ms = "https://msdl.microsoft.com/download/symbols";

    // Real-world symbol paths (Microsoft docs, Chromium, Mozilla, driver-dev guides) and how they split.
    public static TheoryData<string, string[]> RealWorldPaths => new()
    {
        { @"srv*c:\symbols*https://msdl.microsoft.com/download/symbols", [@"Server:c:\symbols|" + Ms] },
        { @"SRV*C:\Symbols*https://msdl.microsoft.com/download/symbols", [@"Server:C:\Symbols|" + Ms] },
        { "srv*https://msdl.microsoft.com/download/symbols", ["Server:" + Ms] },
        { @"cache*c:\MySymbols;srv*https://msdl.microsoft.com/download/symbols", [@"Cache:c:\MySymbols", "Server:" + Ms] },
        { @"c:\dev\out\Debug;srv*c:\symcache*https://chromium-browser-symsrv.commondatastorage.googleapis.com;srv*c:\symcache*https://msdl.microsoft.com/download/symbols",
          [@"Folder:c:\dev\out\Debug", @"Server:c:\symcache|https://chromium-browser-symsrv.commondatastorage.googleapis.com", @"Server:c:\symcache|" + Ms] },
        { @"SRV*c:\symbols*https://symbols.mozilla.org/;SRV*c:\symbols*https://msdl.microsoft.com/download/symbols",
          [@"Server:c:\symbols|https://symbols.mozilla.org/", @"Server:c:\symbols|" + Ms] },
        { @"srv*c:\localsymbols*\\server\share*https://msdl.microsoft.com/download/symbols", [@"Server:c:\localsymbols|\\server\share|" + Ms] },
        { @"symsrv*symsrv.dll*c:\symbols*https://msdl.microsoft.com/download/symbols", [@"Server:c:\symbols|" + Ms] },
        { @"srv**https://msdl.microsoft.com/download/symbols", ["Server:|" + Ms] },
        { "srv*", ["Server:"] },
        { "cache*;srv*https://msdl.microsoft.com/download/symbols", ["Cache:", "Server:" + Ms] },
        { " ;; /home/me/syms ; ;srv*/var/cache/sym*http://127.0.0.1:8080/ ", ["Folder:/home/me/syms", "Server:/var/cache/sym|http://127.0.0.1:8080/"] },
        { @"\\symbols\symbols;c:\build\bin", [@"Folder:\\symbols\symbols", @"Folder:c:\build\bin"] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(RealWorldPaths))]
    public void Parses_real_world_symbol_paths(string text, string[] expected)
    {
        var path = SymbolPath.Parse(text);
        var described = path.Elements.Select(e => e.Kind switch
        {
            SymbolPathElementKind.Server => "Server:" + string.Join('|', e.Tiers),
            SymbolPathElementKind.Cache => "Cache:" + e.Folder,
            _ => "Folder:" + e.Folder,
        }).ToArray();
        Assert.Equal(expected, described);
        // Round trip: what .sympath prints parses back to the same elements.
        Assert.Equal(path.ToString(), SymbolPath.Parse(path.ToString()).ToString());
    }

    [Fact]
    public void Prints_as_sympath_does_keeping_the_users_spelling()
    {
        var path = SymbolPath.Parse(@" SRV*C:\Symbols*https://msdl.microsoft.com/download/symbols ; c:\mine ;");
        Assert.Equal(@"SRV*C:\Symbols*https://msdl.microsoft.com/download/symbols;c:\mine", path.ToString());
    }

    [Fact]
    public void Server_element_splits_into_downstream_stores_and_upstream()
    {
        var e = SymbolPath.Parse(@"srv*c:\a*\\share\b*https://x.example/s").Elements.Single();
        Assert.Equal([@"c:\a", @"\\share\b"], e.Downstream);
        Assert.Equal("https://x.example/s", e.Upstream);
        var dll = SymbolPath.Parse(@"symsrv*symsrv.dll*c:\a*https://x.example/s").Elements.Single();
        Assert.Equal("symsrv.dll", dll.SymsrvDll);
        Assert.Equal([@"c:\a"], dll.Downstream);
    }

    [Fact]
    public void Expanded_path_fills_in_default_cache_preceding_cache_and_microsoft_server()
    {
        var path = SymbolPath.Parse("srv*;cache*/tmp/c;srv*https://s.example/sym;srv**https://t.example");
        var expanded = path.Expanded.Split(';');
        Assert.Equal($"srv*{SymbolPath.DefaultCache}*{Ms}", expanded[0]);
        Assert.Equal("cache*/tmp/c", expanded[1]);
        Assert.Equal("srv*/tmp/c*https://s.example/sym", expanded[2]);
        Assert.Equal("srv*/tmp/c*https://t.example", expanded[3]);
    }

    [Fact]
    public void Symfix_uses_the_microsoft_server_with_the_default_or_given_cache()
    {
        Assert.Equal($"srv*{SymbolPath.DefaultCache}*{Ms}", SymbolPath.Symfix().ToString());
        Assert.Equal($"srv*/data/sym*{Ms}", SymbolPath.Symfix("/data/sym").ToString());
        Assert.EndsWith(Path.Combine(".ntdbg", "sym"), SymbolPath.DefaultCache);
    }

    [Fact]
    public void Sympath_plus_appends_and_symfix_plus_appends_the_server()
    {
        var path = SymbolPath.Parse("/a").Append("/b;/c").Append(SymbolPath.Symfix("/s"));
        Assert.Equal($"/a;/b;/c;srv*/s*{Ms}", path.ToString());
    }

    [Fact]
    public void Environment_puts_the_alt_path_first()
    {
        var env = new Dictionary<string, string?> { ["_NT_SYMBOL_PATH"] = "srv*/c*https://s.example", ["_NT_ALT_SYMBOL_PATH"] = "/private" };
        Assert.Equal("/private;srv*/c*https://s.example", SymbolPath.FromEnvironment(n => env.GetValueOrDefault(n)).ToString());
        Assert.True(SymbolPath.FromEnvironment(_ => null).IsEmpty);
    }

    [Fact]
    public void Factory_puts_each_cache_before_its_server_and_stores_downloads_there()
    {
        var factory = new SymbolLocatorFactory(new SymbolServerOptions());
        var chain = factory.Create(SymbolPath.Parse("/plain;cache*/tmp/c1;srv*https://s.example/sym;srv*/tmp/c2*/tmp/share*https://t.example"));
        Assert.Equal(["/plain", "/tmp/c1", "/tmp/c1", "https://s.example/sym", "/tmp/c2", "/tmp/share", "https://t.example"],
            chain.Locators.Select(l => l.Description).ToArray());
        Assert.Equal("/tmp/c1", ((HttpSymbolServer)chain.Locators[3]).Cache.Root);
        Assert.Equal("/tmp/c2", ((HttpSymbolServer)chain.Locators[6]).Cache.Root);
        Assert.IsType<DirectoryLocator>(chain.Locators[0]);
    }

    [Fact]
    public void A_windows_cache_path_on_linux_falls_back_to_the_default_cache_with_a_warning()
    {
        if (OperatingSystem.IsWindows()) return;
        var factory = new SymbolLocatorFactory(new SymbolServerOptions());
        var chain = factory.Create(SymbolPath.Parse(@"srv*c:\symbols*https://msdl.microsoft.com/download/symbols"));
        Assert.Equal(SymbolPath.DefaultCache, ((HttpSymbolServer)chain.Locators[1]).Cache.Root);
        Assert.Contains(factory.Warnings, w => w.Contains(@"c:\symbols"));
        factory.Create(SymbolPath.Parse("srv*/tmp/x*https://s.example"));
        Assert.Empty(factory.Warnings);
    }
}
