using Ntdbg.Synth;
using Ntdbg.Targets.User;

namespace Ntdbg.Tests.Minidump;

/// <summary>Layouts real writers produce besides the common one: thread-ex lists, padded counts, larger entries.</summary>
public sealed class LayoutVariantTests
{
    private static MinidumpBuilder Populated() => SynthDumps.X64Base()
        .AddThread(0x200, 0x7ff0_0000_2000, 0x2000_0000, SynthDumps.Pattern(0x2000_0000, 0x40), SynthDumps.X64Context(rip: 0x4242))
        .AddModule(0x7ff6_0000_0000, 0x5000, @"C:\a.exe", 0x11111111)
        .AddModule(0x7ffa_0000_0000, 0x9000, @"C:\b.dll", 0x22222222)
        .AddMemory(0x3000_0000, SynthDumps.Pattern(0x3000_0000, 0x30))
        .AddThreadInfo(0x200, 5, 6, 7, 0x7ff6_0000_1000)
        .AddUnloadedModule(0x1234_0000, 0x1000, "gone1.dll", 1)
        .AddUnloadedModule(0x1235_0000, 0x2000, "gone2.dll", 2)
        .AddMemoryInfo(0x1000, 0x1000, 4, 0x1000, 0x1000, 4, 0x20000)
        .AddMemoryInfo(0x2000, 0x2000, 2, 0x3000, 0x1000, 2, 0x1000000)
        .AddHandle(4, "Event", "ev1")
        .AddHandle(8, "File", "f2");

    private static void AssertPopulated(UserDumpTarget t)
    {
        Assert.Empty(t.Warnings);
        Assert.Equal([0x100u, 0x200u], t.Threads.Select(x => x.ThreadId));
        Assert.Equal(0x4242UL, t.Threads[1].Context!.InstructionPointer);
        Assert.Equal([@"C:\a.exe", @"C:\b.dll"], t.Modules.Select(m => m.ImagePath));
        Assert.Equal(0x22222222u, t.Modules[1].TimeDateStamp);
        var buf = new byte[0x30];
        Assert.Equal(0x30, t.Memory.Read(0x3000_0000, buf, out _));
        Assert.Equal(SynthDumps.Pattern(0x3000_0000, 0x30), buf);
        Assert.Equal(0x7ff6_0000_1000UL, t.Threads[1].Times!.StartAddress);
        Assert.Equal(["gone1.dll", "gone2.dll"], t.UnloadedModules.Select(u => u.ImagePath));
        Assert.Equal(0x2000UL, t.UnloadedModules[1].Size);
        Assert.Equal([0x1000UL, 0x2000UL], t.MemoryRegions.Select(r => r.BaseAddress));
        Assert.Equal(0x1000000u, t.MemoryRegions[1].Type);
        Assert.Equal(["ev1", "f2"], t.Handles.Select(h => h.ObjectName));
        Assert.Equal(8UL, t.Handles[1].Handle);
    }

    [Fact]
    public void The_common_layout() => AssertPopulated(SynthDumps.Open(Populated().Build()));

    [Fact]
    public void Threads_from_a_thread_ex_list()
    {
        var built = Populated().WithThreadExList().Build();
        Assert.DoesNotContain(built.Streams, s => s.Type == MinidumpBuilder.ThreadListStream);
        using var t = SynthDumps.Open(built);
        AssertPopulated(t);
        Assert.NotNull(t.RawThreads[0].BackingStore);
    }

    [Fact]
    public void Counts_padded_to_eight_bytes() => AssertPopulated(SynthDumps.Open(Populated().WithListCountPadding().Build()));

    [Fact]
    public void Larger_headers_and_entries_are_stepped_over() =>
        AssertPopulated(SynthDumps.Open(Populated().WithLargerTableSizes(extraHeaderBytes: 8, extraEntryBytes: 24).Build()));
}
