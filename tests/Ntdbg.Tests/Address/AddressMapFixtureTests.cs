using Ntdbg.Analyses.AddressMap;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Commands.Address;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;

namespace Ntdbg.Tests.Address;

/// <summary>
/// `!address` on the useheap fixtures (Wine, MemoryInfoList present): the map tiles the dump's memory info
/// exactly, and each thread's stack, its TEB, the PEB and the module images get their usage. Heaps are
/// classified through a fake walker until the real ones (Heaps/Wine, Heaps/Nt) are merged.
/// </summary>
public sealed class AddressMapFixtureTests
{
    public static TheoryData<string> Arches => new() { "x64", "x86" };

    private static (UserDumpTarget Target, DebugSession Session) Open(string arch)
    {
        var target = (UserDumpTarget)TargetLoader.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        return (target, new DebugSession(target));
    }

    [Theory, MemberData(nameof(Arches))]
    public void RegionsTileTheMemoryInfoListExactly(string arch)
    {
        var (target, session) = Open(arch);
        using var owned = target;
        var map = AddressCommand.BuildMap(session, target);
        Assert.Equal(AddressMapSource.MemoryInfo, map.Source);
        Assert.NotEmpty(target.MemoryRegions);
        // Every memory info region is exactly the concatenation of the map's pieces inside it, and they keep its state/protect/type.
        foreach (var info in target.MemoryRegions)
        {
            var pieces = map.Regions.Where(r => r.Base >= info.BaseAddress && r.Base < info.BaseAddress + info.RegionSize).ToList();
            Assert.NotEmpty(pieces);
            Assert.Equal(info.BaseAddress, pieces[0].Base);
            for (int i = 1; i < pieces.Count; i++) Assert.Equal(pieces[i - 1].End, pieces[i].Base);
            Assert.Equal(info.BaseAddress + info.RegionSize, pieces[^1].End);
            Assert.All(pieces, p => Assert.Equal((info.State, info.Protect, info.Type, info.AllocationBase), (p.State, p.Protect, p.Type, p.AllocationBase)));
        }
        Assert.Equal(target.MemoryRegions.Aggregate(0UL, (s, r) => s + r.RegionSize), map.Regions.Aggregate(0UL, (s, r) => s + r.Size));
        Assert.True(map.Regions.Count >= target.MemoryRegions.Count);

        // The summary counts every region and byte once, in each table.
        var summary = AddressSummary.Of(map);
        Assert.Equal(map.Regions.Count, summary.Usage.Sum(r => r.RegionCount));
        Assert.Equal(map.Regions.Count, summary.States.Sum(r => r.RegionCount));
        Assert.Equal(summary.TotalBytes, summary.Usage.Aggregate(0UL, (s, r) => s + r.TotalSize));
        Assert.Equal(summary.BusyBytes, summary.Types.Aggregate(0UL, (s, r) => s + r.TotalSize));
        Assert.Equal(target.MemoryRegions.Where(r => r.State == MemoryConstants.MemFree).Aggregate(0UL, (s, r) => s + r.RegionSize),
            summary.Usage.Single(r => r.Name == "Free").TotalSize);
    }

    [Theory, MemberData(nameof(Arches))]
    public void StacksTebsPebAndImagesAreClassified(string arch)
    {
        var (target, session) = Open(arch);
        using var owned = target;
        var map = AddressCommand.BuildMap(session, target);
        int pointer = target.PointerSize;
        foreach (var t in target.Threads.Where(t => t.StackSize > 0))
        {
            var stack = map.Find(t.StackStart);
            Assert.NotNull(stack);
            Assert.Equal(AddressUsage.Stack, stack.Usage);
            Assert.Equal((int?)t.Index, stack.Owner?.ThreadIndex);
            // The whole reservation is the stack: the region at its allocation base too (reserved or guard page).
            Assert.Equal(AddressUsage.Stack, map.Find(stack.AllocationBase!.Value)!.Usage);
            var teb = map.Find(t.Teb);
            Assert.Equal(AddressUsage.Teb, teb?.Usage);
            Assert.Equal(t.Teb, teb!.Base);
            // The PEB pointer, read here independently of the map: TEB+0x60 (64-bit) / +0x30 (32-bit).
            var buf = new byte[8];
            Assert.Equal(pointer, target.Memory.Read(t.Teb + (pointer == 8 ? 0x60UL : 0x30UL), buf.AsSpan(0, pointer), out _));
            ulong peb = BitConverter.ToUInt64(buf);
            Assert.Equal(AddressUsage.Peb, map.Find(peb)?.Usage);
        }
        Assert.NotEmpty(target.Modules);
        foreach (var m in session.Modules.All)
        {
            var image = map.Find(m.Base);
            Assert.Equal(AddressUsage.Image, image?.Usage);
            Assert.Equal(m.Name, image!.Owner?.Module);
        }
        Assert.Equal(AddressUsage.Other, map.Find(0x7ffe0000)?.Usage);
    }

    [Theory, MemberData(nameof(Arches))]
    public void TheLeakHeapIsClassifiedHeapThroughAWalker(string arch)
    {
        var (target, session) = Open(arch);
        using var owned = target;
        // The fixture raises STATUS_NO_MEMORY with the leak heap's handle as its first parameter (fixtures/README.md).
        ulong handle = target.Exception!.Parameters[0];
        var reservation = target.MemoryRegions.Where(r => r.AllocationBase == handle).ToList();
        Assert.NotEmpty(reservation);
        var range = new HeapRange(handle, reservation.Max(r => r.BaseAddress + r.RegionSize),
            reservation.Where(r => r.State == MemoryConstants.MemCommit).Aggregate(0UL, (s, r) => s + r.RegionSize), HeapBlockOrigin.Backend);
        var factory = new FakeHeapFactory(handle, [range]);
        var context = new HeapReadContext(target.Memory, target.PointerSize, _ => null);
        // Wine leaves PEB.NumberOfHeaps at 0: the probe of private allocations finds the heap by its (fake) signature.
        var listed = HeapFinder.Find(context, target.Threads.Select(t => t.Teb), [factory]);
        var heaps = HeapProbe.WithUnlistedHeaps(listed, context, target.MemoryRegions, [factory]);
        Assert.Contains(heaps.Heaps, h => h.Address == handle);

        var map = AddressMapBuilder.Build(AddressMapInput.From(target, heaps, session.Modules.All));
        var heapRegions = map.Regions.Where(r => r.Usage == AddressUsage.Heap).ToList();
        Assert.Equal(range.End - range.Start, heapRegions.Aggregate(0UL, (s, r) => s + r.Size));
        Assert.All(heapRegions, r => Assert.Equal(handle, r.Owner?.Heap));
        var row = AddressSummary.Of(map).Usage.Single(r => r.Name == "Heap");
        Assert.Equal(reservation.Count, row.RegionCount);

        // The session's own walkers (Wine's heap) find the same heap without the fake: !address names it too.
        string text = Run.Text(target, $"!address {handle + 0x1000:x}", session);
        Assert.Contains("Usage:                  Heap", text);
        Assert.Contains($"!heap 0x{handle:x}", text);
        // And rendered from the fake walker's map.
        string detail = new StringWriter().Also(w => new AddressDetailText().Render(
            new AddressDetailResult(handle, map.Source, map.PointerSize, map.ProcessId, map.Find(handle), map.Notes), w)).ToString();
        Assert.Contains("Usage:                  Heap", detail);
        Assert.Contains($"!heap 0x{handle:x}", detail);
    }

    private sealed class FakeHeapFactory(ulong address, IReadOnlyList<HeapRange> ranges) : IHeapWalkerFactory
    {
        public HeapKind Kind => HeapKind.WineHeap;
        public IHeapWalker? TryOpen(HeapReadContext context, ulong heapAddress, List<string> notes) =>
            heapAddress == address ? new FakeHeap(address, ranges) : null;
    }

    private sealed class FakeHeap(ulong address, IReadOnlyList<HeapRange> ranges) : IHeapWalker
    {
        public ulong Address => address;
        public HeapKind Kind => HeapKind.WineHeap;
        public HeapSummary Summarize() => new(address, Kind, 0, 0, 0, 0, null, null, null, null, null, false, ranges, []);
        public IEnumerable<HeapBlock> Blocks(List<string> notes) => [];
    }
}

internal static class WriterExtensions
{
    public static StringWriter Also(this StringWriter w, Action<StringWriter> write)
    {
        write(w);
        return w;
    }
}
