using System.Buffers.Binary;
using System.Text;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.User;

namespace Ntdbg.Tests.Fixtures;

/// <summary>
/// Issue 8's fixtures (fixtures/README.md: blobleak + useheap.dll, manyheaps, deadlock3, and the
/// truth of deadlock), from the committed files only: each private-memory dump opens with ntdbg's
/// reader and agrees with the truth file its program wrote while it ran — the threads are in the
/// thread list, the locks and heaps lie in memory the dump holds, every leaked block is there, and
/// the heap's owner resolves through the PDB (useheap!Blob::m_Heap) to the truth's address.
/// </summary>
public sealed class Issue8FixtureTests
{
    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    public static TheoryData<string> TruthDumps => Cases("blobleak", "manyheaps", "deadlock3", "deadlock");
    public static TheoryData<string> HeapDumps => Cases("blobleak", "manyheaps");
    public static TheoryData<string> LockDumps => Cases("deadlock3", "deadlock");

    private static TheoryData<string> Cases(params string[] programs)
    {
        var data = new TheoryData<string>();
        foreach (var program in programs)
            foreach (var arch in new[] { "x64", "x86" })
                data.Add($"{program}-{arch}");
        return data;
    }

    private static int PointerSize(string name) => name.EndsWith("-x64", StringComparison.Ordinal) ? 8 : 4;

    [Theory, MemberData(nameof(TruthDumps))]
    public void PrivateDumpOpensAndHasTheTruthsThreads(string name)
    {
        using var t = UserDumpTarget.Open(FixtureFiles.PrivateDump(name));
        var truth = FixtureTruth.Load(name);
        Assert.Empty(t.Warnings);
        Assert.NotEmpty(truth.Threads);
        foreach (var thread in truth.Threads)
            Assert.Contains(t.Threads, x => x.ThreadId == thread.Id && x.Name == thread.Name);
    }

    [Theory, MemberData(nameof(LockDumps))]
    public void EachLockIsInTheDumpOwnedAndWaitedOnAsTheTruthSays(string name)
    {
        using var t = UserDumpTarget.Open(FixtureFiles.PrivateDump(name));
        var truth = FixtureTruth.Load(name);
        Assert.Equal("deadlock", truth.Kind);
        Assert.Equal(truth.Cycle.Count, truth.Locks.Count);
        int pointer = PointerSize(name);
        var exe = t.Modules[0];
        foreach (var cs in truth.Locks)
        {
            // The CRITICAL_SECTION globals sit in the exe's .data, which the private copy keeps.
            Assert.InRange(cs.Address, exe.Base, exe.Base + exe.Size - 1);
            var bytes = new byte[6 * pointer];
            Assert.True(t.Memory.Read(cs.Address, bytes, out var fault) == bytes.Length,
                $"{cs.Name} at 0x{cs.Address:X} is not in the dump: {fault?.Kind}");
            // { DebugInfo; LONG LockCount; LONG RecursionCount; HANDLE OwningThread; ... }
            int lockCount = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pointer));
            int recursion = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pointer + 4));
            ulong owner = pointer == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16))
                                       : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
            Assert.Equal(cs.Owner, owner);
            Assert.Equal(1, recursion);
            Assert.Equal(cs.Waiters.Count, lockCount); // Wine: -1 free, 0 owned, +1 per waiter
            Assert.Contains(t.Threads, x => x.ThreadId == cs.Owner && x.Context != null);
            Assert.All(cs.Waiters, w => Assert.Contains(t.Threads, x => x.ThreadId == w && x.Context != null));
        }
        // The cycle: each thread waits for the lock the next one owns.
        for (int i = 0; i < truth.Cycle.Count; i++)
        {
            var waiter = truth.Threads.Single(x => x.Id == truth.Cycle[i]);
            var wanted = truth.Locks.Single(l => l.Address == waiter.WaitsFor);
            Assert.Equal(truth.Cycle[(i + 1) % truth.Cycle.Count], wanted.Owner);
            Assert.Contains(waiter.Id, wanted.Waiters);
        }
    }

    [Theory, MemberData(nameof(HeapDumps))]
    public void EveryHeapIsInTheDumpAndEveryLeakedBlockToo(string name)
    {
        using var t = UserDumpTarget.Open(FixtureFiles.PrivateDump(name));
        var truth = FixtureTruth.Load(name);
        Assert.Equal("heapleak", truth.Kind);
        foreach (var heap in truth.Heaps)
        {
            // A heap's handle is its base: private memory, so in the copy.
            Assert.True(t.Memory.Read(heap.Handle, new byte[64], out var fault) == 64,
                $"heap {heap.Name} at 0x{heap.Handle:X} is not in the dump: {fault?.Kind}");
            Assert.InRange(heap.CommittedBytes, 4096ul, heap.ReservedBytes);
        }
        var leak = truth.LeakHeap;
        Assert.NotNull(leak.Marker);
        var indices = MarkerIndices(t.Memory, leak.Marker!);
        Assert.Equal(leak.Allocations, indices.Count);
        Assert.Equal(Enumerable.Range(0, leak.Allocations), indices.Order());
    }

    [Theory, MemberData(nameof(Arches))]
    public void BlobHeapOwnerResolvesToUseheapBlobMHeap(string arch)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"blobleak-{arch}"));
        var truth = FixtureTruth.Load($"blobleak-{arch}");
        var owner = truth.Owner!;
        Assert.Equal(("useheap", "Blob::m_Heap"), (owner.Module, owner.Symbol));
        Assert.Contains(target.Modules, m => m.Name == "useheap");

        var session = new DebugSession(target, FixtureFiles.Out(arch));
        Assert.True(session.TryResolveSymbol("useheap!Blob::m_Heap", out ulong address), "useheap!Blob::m_Heap does not resolve");
        Assert.Equal(owner.Address, address);
        Assert.Equal(truth.LeakHeap.Handle, owner.Value);
        Assert.Equal(owner.Value, session.ReadMemory(address, arch == "x64" ? 8 : 4));
        Assert.Equal("useheap!Blob::m_Heap", session.DescribeAddress(address)); // what `ln` names
    }

    [Theory, MemberData(nameof(Arches))]
    public void ManyheapsLeakIsTheSecondLargestHeapAndTheLargestIsStillReferenced(string arch)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"manyheaps-{arch}"));
        var truth = FixtureTruth.Load($"manyheaps-{arch}");
        var bySize = truth.Heaps.OrderByDescending(h => h.CommittedBytes).ToList();
        Assert.Equal("g_ImageCacheHeap", bySize[0].Name);
        Assert.Equal("leak", bySize[1].Role);
        Assert.True(bySize[1].CommittedBytes > bySize[2].CommittedBytes, "the leak heap must be strictly second");

        var session = new DebugSession(target, FixtureFiles.Out(""));
        string module = $"manyheaps_{arch}";
        Assert.Equal((module, "g_SessionHeap"), (truth.Owner!.Module, truth.Owner.Symbol));
        Assert.True(session.TryResolveSymbol($"{module}!g_SessionHeap", out ulong owner));
        Assert.Equal(truth.Owner.Address, owner);
        int pointer = arch == "x64" ? 8 : 4;
        Assert.Equal(truth.LeakHeap.Handle, session.ReadMemory(owner, pointer));

        // The image cache's blocks stay referenced from g_ImageCache, each one in the dump.
        var cache = bySize[0];
        Assert.True(session.TryResolveSymbol($"{module}!g_ImageCache", out ulong array));
        for (int i = 0; i < cache.Allocations; i++)
        {
            ulong block = session.ReadMemory(array + (ulong)(i * pointer), pointer);
            var first = new byte[1];
            Assert.True(target.Memory.Read(block, first, out _) == 1 && first[0] == (byte)'I',
                $"g_ImageCache[{i}] = 0x{block:X} is not an image cache block in the dump");
        }
    }

    /// <summary>
    /// The indices of every "&lt;marker&gt;nnnnn" in the dump's memory. A match may straddle two
    /// adjacent chunks, so the last (length - 1) bytes of a chunk are searched again with the next
    /// one when it follows directly (no match fits in them alone, so none is counted twice).
    /// </summary>
    private static List<int> MarkerIndices(IVirtualMemory memory, string marker)
    {
        var pattern = Encoding.ASCII.GetBytes(marker);
        int length = pattern.Length + 5;
        var found = new List<int>();
        byte[] carry = [];
        ulong carryEnd = 0;
        memory.VisitChunks(0, ulong.MaxValue, (address, data) =>
        {
            byte[] window = address == carryEnd && carry.Length > 0 ? [.. carry, .. data] : data.ToArray();
            for (int i = window.AsSpan().IndexOf(pattern); i >= 0;)
            {
                int at = i + pattern.Length;
                if (at + 5 <= window.Length && int.TryParse(Encoding.ASCII.GetString(window, at, 5), out int n)) found.Add(n);
                int next = window.AsSpan(i + 1).IndexOf(pattern);
                i = next < 0 ? -1 : i + 1 + next;
            }
            carry = window[Math.Max(0, window.Length - (length - 1))..];
            carryEnd = address + (ulong)data.Length;
            return true;
        });
        return found;
    }
}
