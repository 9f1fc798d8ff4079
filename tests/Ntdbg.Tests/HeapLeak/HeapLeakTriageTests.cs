using Ntdbg.Analyses.HeapLeak;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.HeapLeak;

/// <summary>
/// The triage's decisions on heaps built in memory: the leaking heap is the one whose blocks nothing
/// points to, not the biggest; references through other blocks and from registers keep blocks alive;
/// the owner is the module global that holds the handle, named by the symbolizer.
/// </summary>
public sealed class HeapLeakTriageTests
{
    private const ulong ModuleBase = 0x1_4000_0000, HandleGlobal = ModuleBase + 0x3000, ArrayGlobal = ModuleBase + 0x3100;
    private const ulong LeakHeap = 0x50_0000, BigHeap = 0x100_0000;

    private static void Put(byte[] bytes, ulong regionStart, ulong at, ulong value) =>
        BitConverter.TryWriteBytes(bytes.AsSpan((int)(at - regionStart), 8), value);

    private sealed record Scene(HeapLeakInput Input, List<HeapBlock> LeakBlocks, List<HeapBlock> BigBlocks);

    /// <summary>
    /// Leak heap: 2,000 blocks of 200 bytes, the first three chained (global → 0 → 1 → 2), one more held in
    /// a register; the rest lost. Big heap: 8 blocks of 1 MB, every one in a global array.
    /// </summary>
    private static Scene Build()
    {
        var leak = FakeHeap.Run(LeakHeap + 0x1000, 2000, 200);
        var big = FakeHeap.Run(BigHeap + 0x1000, 8, 1 << 20);
        var module = new byte[0x4000];
        Put(module, ModuleBase, HandleGlobal, LeakHeap);
        Put(module, ModuleBase, HandleGlobal + 8, leak[0].UserAddress);
        for (int i = 0; i < big.Count; i++) Put(module, ModuleBase, ArrayGlobal + (ulong)i * 8, big[i].UserAddress);
        ulong leakEnd = leak[^1].UserAddress + 200 + 0x1000, bigEnd = big[^1].UserAddress + (1 << 20) + 0x1000;
        var leakBytes = new byte[leakEnd - LeakHeap];
        Put(leakBytes, LeakHeap, leak[0].UserAddress + 8, leak[1].UserAddress);
        Put(leakBytes, LeakHeap, leak[1].UserAddress + 8, leak[2].UserAddress + 100); // an interior pointer counts
        Put(leakBytes, LeakHeap, leak[5].UserAddress, leak[6].UserAddress);          // lost blocks pointing at lost blocks stay lost
        Put(leakBytes, LeakHeap, leak[7].EntryAddress, leak[8].EntryAddress);        // header links are the allocator's, not the program's
        var memory = new RegionMemory().Add(ModuleBase, module).Add(LeakHeap, leakBytes).Add(BigHeap, new byte[bigEnd - BigHeap]);
        var heaps = new HeapList(null, BigHeap, [new FakeHeap(BigHeap, BigHeap, bigEnd, big), new FakeHeap(LeakHeap, LeakHeap, leakEnd, leak)], []);
        var input = new HeapLeakInput("scene.dmp", memory, 8, heaps, [new ModuleRange("app", ModuleBase, ModuleBase + 0x4000)], [],
            [leak[1000].UserAddress], a => a == HandleGlobal ? "app!g_Heap" : null,
            [new MemoryUsageShare("Heap", bigEnd - BigHeap + leakEnd - LeakHeap, 0.9), new MemoryUsageShare("Image", 0x4000, 0.1)], []);
        return new Scene(input, leak, big);
    }

    [Fact]
    public void PicksTheHeapWithLostBlocksNotTheBiggest()
    {
        var s = Build();
        var r = HeapLeakTriage.Run(s.Input);
        Assert.Equal(BigHeap, r.Heaps[0].Summary.Address); // ordered by size: the big heap first
        Assert.Equal(LeakHeap, r.Suspect!.Summary.Address);
        Assert.Equal(2000 - 4, r.Suspect.UnreferencedBlocks); // 0, 1, 2 chained, 1000 in a register
        Assert.Equal((ulong)(2000 - 4) * 200, r.Suspect.UnreferencedBytes);
        Assert.Equal(0, r.Heaps[0].UnreferencedBlocks);
        var top = r.Suspect.TopSizeClasses[0];
        Assert.Equal((200UL, 2000L, 1996L), (top.UserSize, top.Blocks, top.Unreferenced));
        Assert.Equal("Heap", r.DominantUsage);
        Assert.DoesNotContain(s.LeakBlocks[1000].UserAddress, r.Suspect.SampleUnreferenced);
    }

    [Fact]
    public void OwnerIsTheModuleGlobalHoldingTheHandle()
    {
        var r = HeapLeakTriage.Run(Build().Input);
        var owner = Assert.IsType<HandleReference>(r.Owner);
        Assert.Equal((HandleGlobal, HandleReferenceKind.ModuleData, "app", "app!g_Heap"), (owner.Address, owner.Kind, owner.Module, owner.Symbol));
        Assert.Contains(r.NextSteps, n => n.StartsWith("!heap -stat -h 00000000`00500000"));
        Assert.Contains(r.NextSteps, n => n.StartsWith("lmvm app"));
    }

    [Fact]
    public void WithoutLostBlocksTheBiggestHeapIsExaminedAndTheReportSaysWhy()
    {
        var s = Build();
        // Reference every leak block from the module: nothing is lost any more.
        var module = new byte[0x4000 + 2000 * 8];
        BitConverter.TryWriteBytes(module.AsSpan(0x3000, 8), LeakHeap);
        for (int i = 0; i < s.LeakBlocks.Count; i++) BitConverter.TryWriteBytes(module.AsSpan(0x4000 + i * 8, 8), s.LeakBlocks[i].UserAddress);
        for (int i = 0; i < s.BigBlocks.Count; i++) BitConverter.TryWriteBytes(module.AsSpan(0x3100 + i * 8, 8), s.BigBlocks[i].UserAddress);
        var regions = new RegionMemory().Add(ModuleBase, module);
        foreach (var h in s.Input.Heaps.Heaps)
        {
            var range = h.Summarize().Ranges[0];
            regions.Add(range.Start, new byte[range.End - range.Start]);
        }
        var r = HeapLeakTriage.Run(s.Input with { Memory = regions });
        Assert.Equal(BigHeap, r.Suspect!.Summary.Address);
        Assert.Contains("biggest heap by committed bytes is examined", r.SuspectReason);
        Assert.All(r.Heaps, h => Assert.Equal(0, h.UnreferencedBlocks));
    }

    [Fact]
    public void NoHeapsSaysSo()
    {
        var s = Build();
        var r = HeapLeakTriage.Run(s.Input with { Heaps = new HeapList(null, null, [], ["the PEB is not in the dump"]) });
        Assert.Null(r.Suspect);
        Assert.Equal("no heap could be read", r.SuspectReason);
        Assert.Contains("the PEB is not in the dump", r.Notes);
    }
}
