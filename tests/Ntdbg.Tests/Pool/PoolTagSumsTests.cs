using System.Buffers.Binary;
using Ntdbg.Commands.Commands.Pool;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Tests.Pool;

/// <summary>
/// Summing tracker entries by tag at the counters' own width: 7601-14393 keep ULONG counts, so
/// per-processor counts that wrapped past 2^32 still give the right outstanding count, and a
/// processor's "negative" bytes (it freed blocks another allocated) cancel out in the sum.
/// Missing entries are skipped and named.
/// </summary>
public sealed class PoolTagSumsTests
{
    private static readonly PrimitiveType Ulong = new("unsigned long", PrimitiveKind.UInt, 4), Ulong64 = new("unsigned long long", PrimitiveKind.UInt, 8);

    // The 9600 layout: Key, ULONG NonPagedAllocs/Frees, ULONG64 NonPagedBytes, ULONG PagedAllocs/Frees, ULONG64 PagedBytes (40 bytes).
    private static PoolTrackerLayout Layout9600()
    {
        var type = new UdtType("_POOL_TRACKER_TABLE", UdtKind.Struct, 40, () =>
        [
            new("Key", 0, Ulong), new("NonPagedAllocs", 4, Ulong), new("NonPagedFrees", 8, Ulong), new("NonPagedBytes", 16, Ulong64),
            new("PagedAllocs", 24, Ulong), new("PagedFrees", 28, Ulong), new("PagedBytes", 32, Ulong64),
        ]);
        return PoolTrackerLayout.From(type, []) ?? throw new InvalidOperationException("layout");
    }

    private static byte[] Entry(string tag, uint npAllocs, uint npFrees, ulong npBytes, uint pAllocs = 0, uint pFrees = 0, ulong pBytes = 0)
    {
        var e = new byte[40];
        System.Text.Encoding.ASCII.GetBytes(tag).CopyTo(e, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), npAllocs);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(8), npFrees);
        BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(16), npBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(24), pAllocs);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(28), pFrees);
        BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(32), pBytes);
        return e;
    }

    [Fact]
    public void WrappedThirtyTwoBitCountsAndNegativeBytesSumByTag()
    {
        var sums = new PoolTagSums(Layout9600());
        // Processor 0: allocs wrapped past 2^32 (4,294,967,396 allocations read as 100); 4,294,967,000 frees.
        sums.Add(Entry("File", 100, 4_294_967_000, 5000, 3, 1, 256));
        // Processor 1 freed 10 blocks (640 bytes) that processor 0 allocated: its bytes are below zero.
        sums.Add(Entry("File", 0, 10, unchecked(0UL - 640)));
        sums.Add(new byte[40]); // an empty slot counts for nothing
        var row = Assert.Single(sums.Rows());
        Assert.Equal("File", row.Tag);
        Assert.Equal(386, row.NonPagedAllocs); // 4,294,967,396 - 4,294,967,010
        Assert.Equal(4360UL, row.NonPagedBytes);
        Assert.Equal(2, row.PagedAllocs);
        Assert.Equal(256UL, row.PagedBytes);
    }

    [Fact]
    public void EntriesOnAMissingPageAreSkippedAndNamed()
    {
        var layout = Layout9600();
        // 200 entries over two pages (8000 bytes from 0x10000); the second page is not in the dump.
        var page = new byte[0x1000];
        for (int i = 0; i < 0x1000 / 40; i++) Entry("Thre", 2, 1, 100).CopyTo(page, i * 40);
        var memory = new OnePageMemory(0x10000, page);
        var sums = new PoolTagSums(layout);
        var notes = new List<string>();
        ulong readable = PoolTrackerTableScan.Read(memory, 8, "nt!PoolTrackTable", 0x10000, 200, sums, notes);
        Assert.Equal(102UL, readable); // 102 whole entries on the first page (the 103rd straddles the boundary)
        Assert.Equal(102, Assert.Single(sums.Rows()).NonPagedAllocs);
        Assert.Equal("nt!PoolTrackTable: entries 102-199 (00000000`00010ff0-00000000`00011f3f) are not in the dump (no page): their counts are missing from the totals", Assert.Single(notes));
    }

    private sealed class OnePageMemory(ulong start, byte[] page) : IVirtualMemory
    {
        public string Name => "one page";

        public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
        {
            fault = null;
            if (address < start || address >= start + (ulong)page.Length)
            {
                fault = new MemoryFault(address, MemoryFaultKind.NotInDump, "no page", Name);
                return 0;
            }
            int n = (int)Math.Min((ulong)destination.Length, start + (ulong)page.Length - address);
            page.AsSpan((int)(address - start), n).CopyTo(destination);
            if (n < destination.Length) fault = new MemoryFault(address + (ulong)n, MemoryFaultKind.NotInDump, "no page", Name);
            return n;
        }

        public void VisitChunks(ulong from, ulong to, ChunkVisitor visitor) => visitor(start, page);
    }
}
