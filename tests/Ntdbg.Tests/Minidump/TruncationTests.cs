using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Synth;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>Truncated dumps open with a warning that counts the missing bytes; reads past the end fault as Truncated.</summary>
public sealed class TruncationTests
{
    [Fact]
    public void A_dump_cut_inside_its_memory_warns_and_faults_as_truncated()
    {
        var built = SynthDumps.X64Base()
            .AddMemory64(0x4000_0000, SynthDumps.Pattern(0x4000_0000, 0x2000))
            .AddMemory64(0x4000_2000, SynthDumps.Pattern(0x4000_2000, 0x1000))
            .Build();
        int cut = built.Bytes.Length - 0x1800; // keeps 0x1800 bytes of the first range
        using var t = SynthDumps.Open(built.TruncatedTo(cut));

        string warning = Assert.Single(t.Warnings, w => w.Contains("truncated"));
        Assert.Contains($"truncated: {0x1800} bytes", warning);
        Assert.Equal(0x1800, t.MissingBytes);

        var buf = new byte[0x1000];
        Assert.Equal(0x1000, t.Memory.Read(0x4000_0000, buf, out var fault));
        Assert.Null(fault);
        Assert.Equal(SynthDumps.Pattern(0x4000_0000, 0x1000), buf);

        Assert.Equal(0x800, t.Memory.Read(0x4000_1000, buf, out fault));
        Assert.Equal(MemoryFaultKind.Truncated, fault!.Kind);
        Assert.Equal(0x4000_1800UL, fault.Address);
        Assert.Equal(SynthDumps.Pattern(0x4000_1000, 0x800), buf[..0x800]);

        Assert.Equal(0, t.Memory.Read(0x4000_2800, buf, out fault));
        Assert.Equal((MemoryFaultKind.Truncated, 0x4000_2800UL), (fault!.Kind, fault.Address));

        // Outside every range it is still NotInDump, not Truncated.
        Assert.Equal(0, t.Memory.Read(0x5000_0000, buf, out fault));
        Assert.Equal(MemoryFaultKind.NotInDump, fault!.Kind);

        long chunkBytes = 0;
        t.Memory.VisitChunks(0x4000_0000, 0x4000_3000, (a, d) => { chunkBytes += d.Length; return true; });
        Assert.Equal(0x1800, chunkBytes);
    }

    [Fact]
    public void A_dump_cut_inside_a_stream_keeps_the_entries_that_fit()
    {
        var b = SynthDumps.X64Base();
        for (uint i = 0; i < 20; i++) b.AddModule(0x1000_0000 + i * 0x10000UL, 0x1000, $"m{i}.dll");
        var built = b.Build();
        var modules = built.Stream(MinidumpBuilder.ModuleListStream);
        int cut = (int)modules.Rva + 4 + 108 * 7 + 50; // 7 whole module records and part of the eighth
        Assert.True(cut < modules.Rva + modules.Size);
        using var t = SynthDumps.Open(built.TruncatedTo(cut));
        Assert.Equal(7, t.Modules.Count);
        Assert.Contains(t.Warnings, w => w.Contains("only 7 of 20"));
        // The cut module list hides the names of the missing modules, so the count is a lower bound.
        Assert.Contains(t.Warnings, w => w.StartsWith("dump file is truncated: at least "));
    }

    [SharedDataTheory]
    [InlineData("user/breakpad/minidump2.dmp")]
    [InlineData("user/breakpad/null_read_av.dmp")]
    [InlineData("user/breakpad/stack_exhaustion.dmp")]
    [InlineData("user/breakpad/thread_name_list.dmp")]
    [InlineData("user/breakpad/tiny-exe-fastfail.dmp")]
    [InlineData("user/lldb/sigsegv.dmp")]
    [InlineData("user/sentry/windows.dmp")]
    public void Real_dumps_cut_anywhere_open_or_fail_with_a_format_error(string relative)
    {
        byte[] full = File.ReadAllBytes(TestData.Shared(relative));
        using (var whole = SynthDumps.Open(full, Path.GetFileName(relative)))
            Assert.DoesNotContain(whole.Warnings, w => w.Contains("truncated"));

        var cuts = new SortedSet<int>();
        for (int i = 0; i < 256; i += 3) cuts.Add(i);
        for (int i = 0; i < 200; i++) cuts.Add((int)((long)full.Length * i / 200));
        cuts.Add(full.Length - 1);
        int opened = 0;
        foreach (int cut in cuts)
        {
            try
            {
                using var t = SynthDumps.Open(full.AsSpan(0, cut).ToArray(), Path.GetFileName(relative));
                DumpExercise.Everything(t);
                opened++;
                Assert.Contains(t.Warnings, w => w.Contains("truncated"));
            }
            catch (DumpFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        Assert.True(opened > cuts.Count / 2, $"only {opened} of {cuts.Count} cuts opened");
    }
}
