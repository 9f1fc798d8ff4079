using System.Globalization;
using System.Text;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Commands.Heap;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;

namespace Ntdbg.Tests.Heaps;

/// <summary>
/// Wine's heap walker and `!heap` on the project's own Wine 8.0 dumps (fixtures/src/useheap.c: 2000 blocks of
/// 200 bytes, each starting "NTDBG-LEAK-MARKER #nnnn", in the heap whose handle is the exception's first
/// parameter). The markers are found by searching memory, not through the walker, and the commit is checked
/// against the dump's memory-info stream.
/// </summary>
public sealed class WineHeapFixtureTests
{
    private const int LeakCount = 2000;
    private const ulong LeakSize = 200;
    private const uint MemCommit = 0x1000;

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Leak_heap_busy_200_byte_blocks_are_the_2000_marked_allocations(string arch)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        ulong handle = target.Exception!.Parameters[0];
        var markers = MarkerAddresses(target);
        Assert.Equal(LeakCount, markers.Count);

        var heaps = Find(target);
        var leak = heaps.Heaps.Single(h => h.Address == handle);
        Assert.Equal(HeapKind.WineHeap, leak.Kind);
        var notes = new List<string>();
        var busy200 = leak.Blocks(notes).Where(b => b.State == HeapBlockState.Busy && b.UserSize == LeakSize).ToList();
        Assert.Empty(notes);
        Assert.Equal(LeakCount, busy200.Count);
        Assert.Equal(markers.Values.Order(), busy200.Select(b => b.UserAddress).Order());
        Assert.All(busy200, b => Assert.True(b.BlockSize >= LeakSize + 8 && b.EntryAddress < b.UserAddress));
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Summary_lists_the_leak_heap_with_the_memory_info_commit(string arch)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        ulong handle = target.Exception!.Parameters[0];
        var session = new DebugSession(target);
        var result = Results<HeapSummaryResult>(session, "!heap -s").Single();
        var summary = result.Heaps.Single(h => h.Address == handle);

        // Committed bytes of the memory-info regions inside the heap's ranges.
        ulong committed = 0;
        foreach (var range in summary.Ranges)
            foreach (var region in target.MemoryRegions.Where(r => r.State == MemCommit))
            {
                ulong start = Math.Max(range.Start, region.BaseAddress), end = Math.Min(range.End, region.BaseAddress + region.RegionSize);
                if (end > start) committed += end - start;
            }
        Assert.True(committed > LeakCount * LeakSize, $"memory info commits {committed:x} in the heap");
        Assert.InRange((double)summary.CommittedBytes, committed * 0.99, committed * 1.01);
        Assert.True(summary.ReservedBytes >= summary.CommittedBytes);
        Assert.Empty(summary.Notes);

        // The text row: the handle, then Flags, Reserv and Commit in K.
        string text = Run.Text(target, "!heap -s", session);
        string pointer = arch == "x64" ? handle.ToString("x16") : handle.ToString("x8");
        var row = text.Split('\n').Single(l => l.StartsWith(pointer, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((summary.ReservedBytes / 1024).ToString(CultureInfo.InvariantCulture), row[2]);
        Assert.Equal((committed / 1024).ToString(CultureInfo.InvariantCulture), row[3]);
        Assert.Contains("Heap    Flags", text);
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Stat_puts_the_200_byte_class_first_with_2000_blocks(string arch)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        ulong handle = target.Exception!.Parameters[0];
        var session = new DebugSession(target);
        var table = Results<HeapStatResult>(session, $"!heap -stat -h {handle:x}").Single().Heaps.Single();
        Assert.Equal(handle, table.Heap);
        Assert.Equal((LeakSize, (long)LeakCount, LeakSize * LeakCount), (table.Classes[0].Size, table.Classes[0].Blocks, table.Classes[0].TotalBytes));
        string text = Run.Text(target, $"!heap -stat -h {handle:x}", session);
        Assert.Contains("group-by: TOTSIZE max-display: 20", text);
        var lines = text.Split('\n');
        int header = Array.FindIndex(lines, l => l.Contains("#blocks", StringComparison.Ordinal));
        Assert.StartsWith($"    c8 7d0 - {LeakSize * LeakCount:x}  (", lines[header + 1]);
    }

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void Page_heap_address_query_names_the_marker_block(string arch)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"useheap-{arch}"));
        ulong handle = target.Exception!.Parameters[0];
        var markers = MarkerAddresses(target);
        var session = new DebugSession(target);
        foreach (int n in new[] { 0, 1234, LeakCount - 1 })
        {
            ulong user = markers[n];
            var r = Results<HeapAddressResult>(session, $"!heap -p -a {user + 17:x}").Single();
            Assert.Equal(handle, r.Heap);
            var block = r.Block!.Value;
            Assert.Equal((user, LeakSize, HeapBlockState.Busy), (block.UserAddress, block.UserSize, block.State));
            string text = Run.Text(target, $"!heap -p -a {user + 17:x}", session);
            Assert.Contains($"found in", text);
            Assert.Contains($"{(arch == "x64" ? user.ToString("x16") : user.ToString("x8"))}    000c8 - (busy)", text);
        }
    }

    [Theory]
    [InlineData("useheap-x64")]
    [InlineData("useheap-x86")]
    [InlineData("deadlock-x64")]
    [InlineData("deadlock-x86")]
    public void Every_heap_walks_without_corruption_and_its_blocks_tile_each_subheap(string dump)
    {
        using var target = UserDumpTarget.Open(FixtureFiles.PrivateDump(dump));
        var heaps = Find(target);
        Assert.True(heaps.Heaps.Count >= 3, string.Join("; ", heaps.Notes));
        Assert.Equal(heaps.ProcessHeap, heaps.Heaps[0].Address);
        Assert.All(heaps.Heaps, h => Assert.Equal(HeapKind.WineHeap, h.Kind));
        foreach (var heap in heaps.Heaps)
        {
            var notes = new List<string>();
            var blocks = heap.Blocks(notes).ToList();
            Assert.Empty(notes);
            var summary = heap.Summarize();
            Assert.DoesNotContain(summary.Notes, n => n.Contains("corrupt") || n.Contains("loops") || n.Contains("not walked"));
            foreach (var range in summary.Ranges.Where(r => r.Origin == HeapBlockOrigin.Backend))
            {
                var inRange = blocks.Where(b => range.Contains(b.EntryAddress) && b.Origin == HeapBlockOrigin.Backend).ToList();
                Assert.Equal(range.Start, inRange[0].EntryAddress);
                for (int i = 1; i < inRange.Count; i++)
                    Assert.Equal(inRange[i - 1].EntryAddress + inRange[i - 1].BlockSize, inRange[i].EntryAddress);
                Assert.True(inRange[^1].EntryAddress + inRange[^1].BlockSize <= range.Start + range.CommittedBytes);
            }
            Assert.Equal(summary.VirtualBlocks, blocks.Count(b => b.Origin == HeapBlockOrigin.LargeVirtual));
        }
    }

    [Fact]
    public void Heap_less_dumps_say_what_is_missing_for_every_form()
    {
        var dumps = new List<string> { FixtureFiles.Out("crash-x64.dmp"), FixtureFiles.Out("crash-x86.dmp") };
        if (Support.TestData.SharedRoot != null)
            dumps.AddRange(new[] { "user/breakpad/minidump2.dmp", "user/breakpad/null_read_av.dmp" }.Select(Support.TestData.Shared).Where(File.Exists));
        foreach (string path in dumps)
        {
            using var target = UserDumpTarget.Open(path);
            var executor = new CommandExecutor(new DebugSession(target));
            foreach (string form in new[] { "!heap", "!heap -s", "!heap -stat -h 1000", "!heap -p -a 1000", "!heap -h 1000" })
            {
                var outcome = executor.ExecuteLine(form).Single();
                Assert.Null(outcome.Error);
                var notes = outcome.Result switch
                {
                    HeapListResult r => r.Notes,
                    HeapSummaryResult r => r.Notes,
                    HeapStatResult r => r.Notes,
                    HeapAddressResult r => r.Notes,
                    HeapBlocksResult r => r.Notes,
                    _ => throw new InvalidOperationException($"{form}: unexpected {outcome.Result?.GetType().Name}"),
                };
                Assert.NotEmpty(notes);
                Assert.NotEmpty(Run.Text(target, form));
            }
        }
    }

    private static HeapList Find(UserDumpTarget target) =>
        HeapFinder.Find(new HeapReadContext(target.Memory, target.PointerSize, _ => null), target.Threads.Select(t => t.Teb));

    private static IEnumerable<T> Results<T>(DebugSession session, string line) =>
        new CommandExecutor(session).ExecuteLine(line).Select(o => o.Error == null ? o.Result : throw new InvalidOperationException(o.Error)).OfType<T>();

    /// <summary>Marker number → address, by scanning the dump's memory (markers followed by four digits; the exe's format string has none).</summary>
    private static Dictionary<int, ulong> MarkerAddresses(UserDumpTarget target)
    {
        var marker = Encoding.ASCII.GetBytes("NTDBG-LEAK-MARKER #");
        var found = new Dictionary<int, ulong>();
        target.Memory.VisitChunks(0, ulong.MaxValue, (address, data) =>
        {
            for (int i = data.IndexOf(marker); i >= 0;)
            {
                int at = i + marker.Length;
                if (at + 4 <= data.Length && int.TryParse(Encoding.ASCII.GetString(data.Slice(at, 4)), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                    found[n] = address + (ulong)i;
                int next = data[(i + 1)..].IndexOf(marker);
                i = next < 0 ? -1 : i + 1 + next;
            }
            return true;
        });
        return found;
    }
}
