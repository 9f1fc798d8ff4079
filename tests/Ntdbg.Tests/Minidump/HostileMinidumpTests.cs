using System.Diagnostics;
using Ntdbg.Core.Errors;
using Ntdbg.Synth;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// Hostile counts, offsets and sizes: each fails with one DumpFormatException line, quickly and without
/// a large allocation.
/// </summary>
public sealed class HostileMinidumpTests
{
    private static DumpFormatException Rejects(byte[] bytes, string expectedFragment)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<DumpFormatException>(() =>
        {
            using var t = SynthDumps.Open(bytes, "hostile.dmp");
            DumpExercise.Everything(t);
        });
        clock.Stop();
        long used = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("hostile.dmp: offset 0x", e.Message);
        Assert.Contains(expectedFragment, e.Message);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"took {clock.ElapsedMilliseconds} ms");
        Assert.True(used < 16 << 20, $"allocated {used} bytes");
        return e;
    }

    private static BuiltMinidump Base() => SynthDumps.X64Base()
        .AddModule(0x7ff6_0000_0000, 0x1000, "app.exe", pdbPath: "app.pdb", pdbGuid: Guid.NewGuid())
        .AddUnloadedModule(0x1234_0000, 0x1000, "gone.dll")
        .AddMemory64(0x9000_0000, new byte[0x100])
        .AddMemoryInfo(0x1000, 0x1000, 4, 0x1000, 0x1000, 4, 0x20000)
        .AddHandle(4, "Event", null)
        .WithMiscInfo(5, 1, 2)
        .Build();

    [Fact]
    public void Not_a_minidump() => Rejects("MDMZ0000000000000000000000000000000000"u8.ToArray(), "not a minidump");

    [Fact]
    public void Wrong_version() => Rejects(Base().WithU32(4, 0x0000a794).Bytes, "unsupported minidump version");

    [Fact]
    public void Shorter_than_a_header() => Rejects("MDMP\x93\xa7"u8.ToArray(), "too short");

    [Fact]
    public void Huge_stream_count() => Rejects(Base().WithU32(8, 0xffff_ffff).Bytes, "exceeds the limit");

    [Fact]
    public void Directory_past_the_end() => Rejects(Base().WithU32(12, 0x7fff_0000).Bytes, "past the end");

    [Fact]
    public void Huge_thread_count()
    {
        var b = Base();
        Rejects(b.WithU32((int)b.Stream(MinidumpBuilder.ThreadListStream).Rva, 0x7fff_ffff).Bytes, "exceeds the limit");
    }

    [Fact]
    public void Thread_count_larger_than_the_stream()
    {
        var b = Base();
        Rejects(b.WithU32((int)b.Stream(MinidumpBuilder.ThreadListStream).Rva, 60000).Bytes, "the stream holds");
    }

    [Fact]
    public void Huge_memory64_count()
    {
        var b = Base();
        Rejects(b.WithU64((int)b.Stream(MinidumpBuilder.Memory64ListStream).Rva, ulong.MaxValue).Bytes, "exceeds the limit");
    }

    [Fact]
    public void Memory64_range_of_impossible_size()
    {
        var b = Base();
        Rejects(b.WithU64((int)b.Stream(MinidumpBuilder.Memory64ListStream).Rva + 24, ulong.MaxValue - 5).Bytes, "impossible size");
    }

    [Fact]
    public void Memory_range_wrapping_the_address_space()
    {
        var b = Base();
        var memList = b.Stream(MinidumpBuilder.MemoryListStream);
        Rejects(b.WithU64((int)memList.Rva + 4, ulong.MaxValue - 0x10).Bytes, "wraps the address space");
    }

    [Fact]
    public void Zero_entry_size_cannot_loop()
    {
        var b = Base();
        Rejects(b.WithU32((int)b.Stream(MinidumpBuilder.UnloadedModuleListStream).Rva + 4, 0).Bytes, "entry size 0");
    }

    [Fact]
    public void Header_size_past_the_stream()
    {
        var b = Base();
        Rejects(b.WithU32((int)b.Stream(MinidumpBuilder.HandleDataStream).Rva, 0xffff_fff0).Bytes, "header size");
    }

    [Fact]
    public void Memory_info_count_overflowing_the_stream()
    {
        var b = Base();
        Rejects(b.WithU64((int)b.Stream(MinidumpBuilder.MemoryInfoListStream).Rva + 8, 0x0fff_ffff_ffff).Bytes, "exceeds the limit");
    }

    [Fact]
    public void Huge_string_length()
    {
        var b = Base();
        var modules = b.Stream(MinidumpBuilder.ModuleListStream);
        uint nameRva = BitConverter.ToUInt32(b.Bytes, (int)modules.Rva + 4 + 20);
        Rejects(b.WithU32((int)nameRva, 0xffff_fffe).Bytes, "string length");
    }

    [Fact]
    public void Huge_codeview_record()
    {
        var b = Base();
        var modules = b.Stream(MinidumpBuilder.ModuleListStream);
        Rejects(b.WithU32((int)modules.Rva + 4 + 76, 0x7fff_ffff).Bytes, "exceeds the limit");
    }

    [Fact]
    public void Exception_stream_too_small()
    {
        var b = SynthDumps.X64Base().WithException(0x100, 0xC0000005, 0x1234, [], SynthDumps.X64Context()).Build();
        var ex = b.Stream(MinidumpBuilder.ExceptionStream);
        Rejects(b.WithU32(ex.DirectoryEntryOffset + 4, 100).Bytes, "smaller than MINIDUMP_EXCEPTION_STREAM");
    }

    [Fact]
    public void Misc_info_smaller_than_version_one()
    {
        var b = Base();
        Rejects(b.WithU32((int)b.Stream(MinidumpBuilder.MiscInfoStream).Rva, 8).Bytes, "SizeOfInfo 8");
    }

    [Fact]
    public void Huge_context_size()
    {
        var b = Base();
        Rejects(b.WithU32((int)b.Stream(MinidumpBuilder.ThreadListStream).Rva + 4 + 40, 0x7000_0000).Bytes, "exceeds the limit");
    }

    /// <summary>Deterministic random byte corruption of every real dump: only format errors may escape.</summary>
    [SharedDataTheory]
    [InlineData("user/breakpad/minidump2.dmp")]
    [InlineData("user/breakpad/thread_name_list.dmp")]
    [InlineData("user/breakpad/tiny-exe-fastfail.dmp")]
    [InlineData("user/lldb/sigsegv.dmp")]
    [InlineData("user/sentry/windows.dmp")]
    public void Corrupted_real_dumps_fail_only_with_format_errors(string relative)
    {
        byte[] original = File.ReadAllBytes(TestData.Shared(relative));
        var random = new Random(relative.Length * 7919);
        // Corrupt the structural part (header, directory and streams lie in the first few KiB).
        int span = Math.Min(original.Length, 0x3000);
        for (int round = 0; round < 300; round++)
        {
            var bytes = (byte[])original.Clone();
            int flips = random.Next(1, 8);
            for (int i = 0; i < flips; i++)
            {
                int at = random.Next(span);
                bytes[at] = random.Next(4) switch { 0 => 0xff, 1 => 0, 2 => (byte)random.Next(256), _ => (byte)(bytes[at] ^ 0x80) };
            }
            try
            {
                using var t = SynthDumps.Open(bytes, "corrupt.dmp");
                DumpExercise.Everything(t);
            }
            catch (DumpFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
    }
}
