using System.Collections.Concurrent;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Model;
using Ntdbg.Synth.Heaps;
using Ntdbg.Synth.Kernel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// The seven kernel builds' ISF tables, loaded once: the synthesizer's layout (its own JSON reading) and
/// ntdbg's type system over the same file, which gives the walkers their `_HEAP` types.
/// </summary>
internal static class SyntheticHeaps
{
    private static readonly ConcurrentDictionary<int, (IsfLayout Layout, IsfTypeSystem Types)> Tables = new();

    public static TheoryData<int> Builds()
    {
        var data = new TheoryData<int>();
        foreach (int build in IsfLayout.BuildGuidPrefix.Keys.Order()) data.Add(build);
        return data;
    }

    public static (IsfLayout Layout, IsfTypeSystem Types) Table(int build) => Tables.GetOrAdd(build, b =>
    {
        var layout = IsfLayout.ForBuild(TestData.Shared("kernel/isf"), b);
        return (layout, new IsfTypeSystem(IsfSymbolTable.Load(layout.Path)));
    });

    public static HeapReadContext Context(int build, SparsePages pages)
    {
        var memory = new RegionMemory();
        foreach (var (address, data) in pages.Regions()) memory.Add(address, data);
        var types = Table(build).Types;
        return new HeapReadContext(memory, 8, name => types.FindType(name) as UdtType);
    }

    public static HeapBlock ToModel(SyntheticHeapBlock b) =>
        new(b.EntryAddress, b.UserAddress, b.BlockSize, b.UserSize, (HeapBlockState)(int)b.State, (HeapBlockOrigin)(int)b.Origin);
}
