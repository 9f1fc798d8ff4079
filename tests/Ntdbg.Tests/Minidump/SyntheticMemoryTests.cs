using Ntdbg.Core.Memory;
using Ntdbg.Synth;

namespace Ntdbg.Tests.Minidump;

/// <summary>The merged MemoryList/Memory64List index: reads, boundaries, holes, chunks, overlaps.</summary>
public sealed class SyntheticMemoryTests
{
    [Fact]
    public void Memory64_ranges_read_back_their_bytes()
    {
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddMemory64(0x7000_0000, SynthDumps.Pattern(0x7000_0000, 0x3000))
            .AddMemory64(0x10_0000_0000, SynthDumps.Pattern(0x10_0000_0000, 0x1000))
            .AddMemory64(0x5000_0000, SynthDumps.Pattern(0x5000_0000, 0x800))
            .Build();
        using var t = SynthDumps.Open(built);
        Assert.Empty(t.Warnings);
        Assert.Equal(3, t.MemoryIndex.Ranges.Count);
        foreach (var (addr, len) in new (ulong, int)[] { (0x7000_0000, 0x3000), (0x7000_1ff0, 0x20), (0x10_0000_0ff8, 8), (0x5000_0000, 0x800) })
        {
            var buf = new byte[len];
            Assert.Equal(len, t.Memory.Read(addr, buf, out var fault));
            Assert.Null(fault);
            Assert.Equal(SynthDumps.Pattern(addr, len), buf);
        }
        Assert.True(t.Memory.TryReadUInt64(0x10_0000_0000, out ulong v, out _));
        Assert.Equal(BitConverter.ToUInt64(SynthDumps.Pattern(0x10_0000_0000, 8)), v);
    }

    [Fact]
    public void A_read_runs_across_adjacent_ranges_from_both_lists()
    {
        // [0x2000,0x3000) in the memory list, [0x3000,0x4000) in memory64, [0x4000,0x4800) in the memory list again.
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddMemory(0x2000, SynthDumps.Pattern(0x2000, 0x1000))
            .AddMemory64(0x3000, SynthDumps.Pattern(0x3000, 0x1000))
            .AddMemory(0x4000, SynthDumps.Pattern(0x4000, 0x800))
            .Build();
        using var t = SynthDumps.Open(built);
        var buf = new byte[0x2600];
        Assert.Equal(buf.Length, t.Memory.Read(0x2100, buf, out var fault));
        Assert.Null(fault);
        Assert.Equal(SynthDumps.Pattern(0x2100, buf.Length), buf);
    }

    [Fact]
    public void Holes_fault_as_NotInDump_with_the_address_and_return_the_bytes_before()
    {
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddMemory(0x1000, SynthDumps.Pattern(0x1000, 0x100))
            .AddMemory64(0x1200, SynthDumps.Pattern(0x1200, 0x100))
            .Build();
        using var t = SynthDumps.Open(built);
        var buf = new byte[0x200];
        Assert.Equal(0x100, t.Memory.Read(0x1000, buf, out var fault));
        Assert.Equal(new MemoryFault(0x1100, MemoryFaultKind.NotInDump, fault!.Detail, "user dump"), fault);
        Assert.Equal(SynthDumps.Pattern(0x1000, 0x100), buf[..0x100]);

        Assert.Equal(0, t.Memory.Read(0x1150, buf, out fault));
        Assert.Equal(0x1150UL, fault!.Address);
        Assert.Equal(0, t.Memory.Read(0xfff, new byte[1], out fault));
        Assert.Equal(MemoryFaultKind.NotInDump, fault!.Kind);
        Assert.Equal(0, t.Memory.Read(0x1300, new byte[1], out fault));
        Assert.Equal(0x1300UL, fault!.Address);
        var ex = Assert.Throws<MemoryFaultException>(() => t.Memory.ReadExact(0x10f0, new byte[0x20]));
        Assert.Equal(0x1100UL, ex.Fault.Address);
        Assert.Contains("00000000`00001100", ex.Message);
    }

    [Fact]
    public void Chunks_come_in_address_order_clipped_to_the_window_and_straight_from_the_file()
    {
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddMemory64(0x9000, SynthDumps.Pattern(0x9000, 0x1000))
            .AddMemory(0x1000, SynthDumps.Pattern(0x1000, 0x1000))
            .AddMemory(0x2000, SynthDumps.Pattern(0x2000, 0x1000))
            .Build();
        using var t = SynthDumps.Open(built);
        var seen = new List<(ulong, int)>();
        t.Memory.VisitChunks(0x1800, 0x9800, (a, d) =>
        {
            Assert.Equal(SynthDumps.Pattern(a, d.Length), d.ToArray());
            seen.Add((a, d.Length));
            return true;
        });
        Assert.Equal([(0x1800UL, 0x800), (0x2000UL, 0x1000), (0x9000UL, 0x800)], seen);

        int calls = 0;
        t.Memory.VisitChunks(0, ulong.MaxValue, (_, _) => ++calls < 2);
        Assert.Equal(2, calls);
        calls = 0;
        t.Memory.VisitChunks(0x3000, 0x9000, (_, _) => { calls++; return true; });
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Overlapping_ranges_are_merged_and_reads_see_the_first_copy()
    {
        // A thread stack listed in the memory list and again, longer, in memory64 (the second copy salted differently).
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddMemory(0x5000, SynthDumps.Pattern(0x5000, 0x100))
            .AddMemory64(0x5080, SynthDumps.Pattern(0x5080, 0x200, salt: 0x5a))
            .Build();
        using var t = SynthDumps.Open(built);
        Assert.Equal([(0x5000UL, 0x5100UL), (0x5100UL, 0x5280UL)], t.MemoryIndex.Ranges.Select(r => (r.Start, r.End)).ToList());
        var buf = new byte[0x280];
        Assert.Equal(0x280, t.Memory.Read(0x5000, buf, out _));
        Assert.Equal(SynthDumps.Pattern(0x5000, 0x100), buf[..0x100]);
        Assert.Equal(SynthDumps.Pattern(0x5100, 0x180, salt: 0x5a), buf[0x100..]);
    }

    [Fact]
    public void A_read_at_the_top_of_the_address_space_stops_without_wrapping()
    {
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddMemory(0xffff_ffff_ffff_ff00, SynthDumps.Pattern(0xffff_ffff_ffff_ff00, 0xff))
            .AddMemory(0, SynthDumps.Pattern(0, 0x10))
            .Build();
        using var t = SynthDumps.Open(built);
        var buf = new byte[0x120];
        Assert.Equal(0xff, t.Memory.Read(0xffff_ffff_ffff_ff00, buf, out var fault));
        Assert.Equal(0xffff_ffff_ffff_ffffUL, fault!.Address);
    }

    [Fact]
    public void A_thread_stack_missing_from_the_memory_list_is_still_readable()
    {
        var built = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64)
            .AddThread(1, 0x1000, 0x6000_0000, SynthDumps.Pattern(0x6000_0000, 0x200), SynthDumps.X64Context(), stackInMemoryList: false)
            .Build();
        Assert.DoesNotContain(built.Streams, s => s.Type == MinidumpBuilder.MemoryListStream);
        using var t = SynthDumps.Open(built);
        var buf = new byte[0x200];
        Assert.Equal(0x200, t.Memory.Read(0x6000_0000, buf, out _));
        Assert.Equal(SynthDumps.Pattern(0x6000_0000, 0x200), buf);
        Assert.Equal(0, t.Memory.Read(0x6000_0200, buf, out var fault));
        Assert.Equal(MemoryFaultKind.NotInDump, fault!.Kind);
    }

    [Fact]
    public void Two_hundred_thousand_ranges_open_and_read_quickly()
    {
        var b = new MinidumpBuilder().WithSystemInfo(MinidumpBuilder.ArchAmd64);
        // Every other 4 KiB page holds 64 bytes, in shuffled order, so the index must sort and search.
        var order = Enumerable.Range(0, 200_000).ToArray();
        new Random(5).Shuffle(order);
        foreach (int i in order) b.AddMemory64(0x1_0000_0000UL + (ulong)i * 0x2000, SynthDumps.Pattern(0x1_0000_0000UL + (ulong)i * 0x2000, 64));
        var bytes = b.Build().Bytes;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var t = SynthDumps.Open(bytes);
        Assert.Equal(200_000, t.MemoryIndex.Ranges.Count);
        var random = new Random(9);
        var buf = new byte[8];
        for (int n = 0; n < 200_000; n++)
        {
            ulong page = 0x1_0000_0000UL + (ulong)random.Next(200_000) * 0x2000;
            Assert.Equal(8, t.Memory.Read(page + 56, buf, out _));
            Assert.Equal(0, t.Memory.Read(page + 0x1000, buf, out _));
        }
        clock.Stop();
        Assert.True(clock.ElapsedMilliseconds < 10_000, $"took {clock.ElapsedMilliseconds} ms");
    }
}
