using Ntdbg.Core.Errors;
using Ntdbg.Formats.KernelDump;

namespace Ntdbg.Tests.KernelDump;

/// <summary>PFN → file offset maps checked against a naive count over the same bitmap or runs.</summary>
public sealed class PageMapTests
{
    [Theory]
    [InlineData(1, 5000, 0.3)]
    [InlineData(2, 70_000, 0.02)]
    [InlineData(3, 4096, 0.97)]
    [InlineData(4, 63, 0.5)]
    public void BitmapLookupsMatchANaiveCount(int seed, int bits, double density)
    {
        var random = new Random(seed);
        var bitmap = new byte[(bits + 7) / 8 + 3]; // trailing bytes beyond the bit count must be ignored
        random.NextBytes(bitmap.AsSpan(bitmap.Length - 3));
        var set = new bool[bits];
        for (int i = 0; i < bits; i++)
            if (random.NextDouble() < density) { set[i] = true; bitmap[i / 8] |= (byte)(1 << (i % 8)); }
        if (bits % 8 != 0) bitmap[bits / 8] |= (byte)(0xff << (bits % 8)); // padding bits in the last byte
        const long first = 0x12345;
        var map = new BitmapPageMap(bitmap, (ulong)bits, first);
        long index = 0;
        for (int pfn = 0; pfn < bits + 100; pfn++)
        {
            bool present = pfn < bits && set[pfn];
            Assert.Equal(present, map.TryGetFileOffset((ulong)pfn, out long offset));
            if (present) Assert.Equal(first + index++ * 0x1000, offset);
        }
        Assert.Equal((ulong)index, map.PresentPageCount);
        Assert.Equal(first + index * 0x1000, map.EndOfPageData);

        ulong from = (ulong)random.Next(bits);
        var expanded = map.RunsFrom(from).SelectMany(r => Enumerable.Range(0, (int)r.PageCount).Select(i => (r.FirstPfn + (ulong)i, r.FileOffset + i * 0x1000L))).ToList();
        var naive = Enumerable.Range((int)from, bits - (int)from).Where(p => set[p]).Select(p => { map.TryGetFileOffset((ulong)p, out long o); return ((ulong)p, o); }).ToList();
        Assert.Equal(naive, expanded);
    }

    [Fact]
    public void RunsAreLookedUpByPfnWhateverTheirFileOrder()
    {
        PhysicalMemoryRun[] runs = [new(0x100, 3), new(0x10, 2), new(0x50, 1)];
        var map = new RunPageMap("f", 0x88, runs, 0x2000);
        Assert.True(map.TryGetFileOffset(0x101, out long o)); Assert.Equal(0x3000, o);
        Assert.True(map.TryGetFileOffset(0x11, out o)); Assert.Equal(0x6000, o);
        Assert.True(map.TryGetFileOffset(0x50, out o)); Assert.Equal(0x7000, o);
        Assert.False(map.TryGetFileOffset(0x12, out _));
        Assert.False(map.TryGetFileOffset(0x103, out _));
        Assert.Equal(6UL, map.PresentPageCount);
        Assert.Equal([new PresentPageRun(0x11, 1, 0x6000), new PresentPageRun(0x50, 1, 0x7000), new PresentPageRun(0x100, 3, 0x2000)], map.RunsFrom(0x11).ToList());
        Assert.Throws<DumpFormatException>(() => new RunPageMap("f", 0x88, [new(0x10, 4), new(0x12, 1)], 0x2000));
    }
}
