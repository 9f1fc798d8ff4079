using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;

namespace Ntdbg.Tests.SymbolModel;

public sealed class SymbolManagerTests
{
    private sealed class CountingLoader(Dictionary<string, ISymbolSource> sources) : IModuleSymbolLoader
    {
        public List<string> Loaded { get; } = [];

        public ModuleSymbolLoad Load(ModuleInfo module, Action<string>? noisy)
        {
            Loaded.Add(module.Name);
            noisy?.Invoke($"looking for {module.Name}");
            return sources.TryGetValue(module.Name, out var s)
                ? new ModuleSymbolLoad(s, null, null, ["found"], null)
                : new ModuleSymbolLoad(null, null, null, ["nothing"], "no symbols found");
        }
    }

    private static (SymbolManager Manager, CountingLoader Loader) Build()
    {
        var nt = new ListSymbolSource([
            new ModuleSymbol("KeBugCheckEx", 0x1000, 0x80, SymbolEntryKind.Function),
            new ModuleSymbol("PoolTrackTable", 0x5000, 8, SymbolEntryKind.Data),
            new ModuleSymbol("ExAllocatePool", 0x2000, 0, SymbolEntryKind.Public),
        ]);
        var drv = new ListSymbolSource([new ModuleSymbol("DriverEntry", 0x100, 0x40, SymbolEntryKind.Function)]);
        var loader = new CountingLoader(new() { ["nt"] = nt, ["drv"] = drv });
        var modules = new[]
        {
            new ModuleInfo(@"\SystemRoot\system32\ntoskrnl.exe", 0xfffff80000000000, 0x100000, 0, 0) { Name = "nt" },
            new ModuleInfo(@"\SystemRoot\system32\drivers\drv.sys", 0xfffff80100000000, 0x10000, 0, 0) { Name = "drv" },
            new ModuleInfo(@"\SystemRoot\system32\drivers\bare.sys", 0xfffff80200000000, 0x10000, 0, 0) { Name = "bare" },
        };
        return (new SymbolManager(modules, loader), loader);
    }

    [Fact]
    public void ModulesStayDeferredUntilAQualifiedNameNeedsThem()
    {
        var (m, loader) = Build();
        Assert.All(m.Modules, x => Assert.Equal(SymbolStatus.Deferred, x.Status));
        Assert.True(m.TryResolve("nt!KeBugCheckEx", out ulong a));
        Assert.Equal(0xfffff80000001000, a);
        Assert.Equal(["nt"], loader.Loaded);
        Assert.Equal(SymbolStatus.Loaded, m.Find("nt")!.Status);
        Assert.Equal(SymbolStatus.Deferred, m.Find("drv.sys")!.Status);
        Assert.False(m.TryResolve("nt!Nope", out _));
        Assert.False(m.TryResolve("nope!KeBugCheckEx", out _));
    }

    [Fact]
    public void BareNamesSearchEveryModuleAndFailuresAreRemembered()
    {
        var (m, loader) = Build();
        Assert.True(m.TryResolve("DriverEntry", out ulong a));
        Assert.Equal(0xfffff80100000100, a);
        Assert.False(m.TryResolve("Missing", out _));
        Assert.Equal(SymbolStatus.None, m.Find("bare")!.Status);
        Assert.Equal("no symbols found", m.Find("bare")!.LastLoad!.Error);
        int loads = loader.Loaded.Count;
        Assert.False(m.TryResolve("Missing", out _));
        Assert.Equal(loads, loader.Loaded.Count); // "none" is not retried until .reload
        m.Unload(m.Find("bare")!);
        Assert.False(m.TryResolve("Missing", out _));
        Assert.Equal(loads + 1, loader.Loaded.Count);
    }

    [Fact]
    public void AddressesAreNamedWithDisplacementAndGapsFallBackToTheModule()
    {
        var (m, _) = Build();
        Assert.Equal("nt!KeBugCheckEx", m.FormatAddress(0xfffff80000001000));
        Assert.Equal("nt!KeBugCheckEx+0x10", m.FormatAddress(0xfffff80000001010));
        // Past the sized function and before the next symbol: only the module can name it.
        Assert.Equal("nt+0x1100", m.FormatAddress(0xfffff80000001100));
        // Publics have no size; they name everything up to the next symbol.
        Assert.Equal("nt!ExAllocatePool+0x500", m.FormatAddress(0xfffff80000002500));
        Assert.Equal("bare+0x10", m.FormatAddress(0xfffff80200000010));
        Assert.Null(m.FormatAddress(0x1234));
        Assert.Null(m.FormatAddress(0xfffff80000100000)); // one past nt's end
    }

    [Fact]
    public void WildcardsSpanModulesAndNames()
    {
        var (m, _) = Build();
        Assert.Equal(["nt!ExAllocatePool", "nt!KeBugCheckEx"],
            m.Match("n*!*Ex*").Select(h => $"{h.Module.Name}!{h.Symbol.Name}").Order());
        Assert.Equal(["drv!DriverEntry"], m.Match("*!Driver*").Select(h => $"{h.Module.Name}!{h.Symbol.Name}"));
    }

    [Fact]
    public void NoisyOutputSeesEachLoad()
    {
        var (m, _) = Build();
        var lines = new List<string>();
        m.NoisyOutput = lines.Add;
        m.EnsureLoaded(m.Find("drv")!);
        Assert.Equal(["looking for drv"], lines);
    }
}
