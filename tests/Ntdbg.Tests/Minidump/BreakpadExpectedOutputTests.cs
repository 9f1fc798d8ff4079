using Ntdbg.Targets.Model;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// minidump2.dmp against breakpad's own minidump_dump output (minidump2.dump.out), parsed here:
/// every module, thread, context register, the exception and the system/misc info must agree.
/// </summary>
public sealed class BreakpadExpectedOutputTests
{
    private const string Dump = "user/breakpad/minidump2.dmp";
    private const string Expected = "user/breakpad/minidump2.dump.out";

    private static (UserDumpTarget Target, BreakpadDumpOut Out) Load() =>
        (UserDumpTarget.Open(TestData.Shared(Dump)), BreakpadDumpOut.Parse(File.ReadAllText(TestData.Shared(Expected))));

    [SharedDataFact(Expected)]
    public void Header_and_directory_match()
    {
        var (t, o) = Load();
        using var _ = t;
        var h = o.All("MDRawHeader").Single();
        Assert.Equal(h.Number("version"), t.Header.Version);
        Assert.Equal(h.Number("stream_count"), (ulong)t.Streams.Count);
        Assert.Equal(h.Number("time_date_stamp"), (ulong)t.Header.TimeDateStamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)h.Number("time_date_stamp")), t.Times.DumpTime);
        var dirs = o.All("MDRawDirectory").ToList();
        Assert.Equal(dirs.Count, t.Streams.Count);
        for (int i = 0; i < dirs.Count; i++)
        {
            Assert.Equal(dirs[i].Number("stream_type"), (ulong)t.Streams[i].Type);
            Assert.Equal(dirs[i].Number("location.data_size"), (ulong)t.Streams[i].Size);
            Assert.Equal(dirs[i].Number("location.rva"), (ulong)t.Streams[i].Rva);
        }
        Assert.Empty(t.Warnings);
    }

    [SharedDataFact(Expected)]
    public void Modules_match()
    {
        var (t, o) = Load();
        using var _ = t;
        var expected = o.All("MDRawModule").ToList();
        Assert.Equal(13, expected.Count);
        Assert.Equal(expected.Count, t.Modules.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var m = t.Modules[i];
            Assert.Equal(e.Number("base_of_image"), m.Base);
            Assert.Equal(e.Number("size_of_image"), m.Size);
            Assert.Equal(e.Number("checksum"), (ulong)m.CheckSum);
            Assert.Equal(e.Number("time_date_stamp"), (ulong)m.TimeDateStamp);
            Assert.Equal(e.Text("(code_file)"), m.ImagePath);
            Assert.NotNull(m.CodeView);
            Assert.Equal("RSDS", m.CodeView!.Signature);
            Assert.Equal(Guid.Parse(e["(cv_record).signature"]), m.CodeView.Guid);
            Assert.Equal(e.Number("(cv_record).age"), (ulong)m.CodeView.Age);
            Assert.Equal(e.Text("(cv_record).pdb_file_name"), m.CodeView.PdbPath);
            Assert.Equal(e.Text("(debug_identifier)"), m.CodeView.SymbolKey);
            string version = e.Text("(version)")!;
            if (version.Length == 0) Assert.Null(m.Version);
            else Assert.Equal(version, m.Version!.FileVersion);
        }
    }

    [SharedDataFact(Expected)]
    public void Threads_and_their_contexts_match()
    {
        var (t, o) = Load();
        using var _ = t;
        var threads = o.All("MDRawThread").ToList();
        Assert.Equal(threads.Count, t.Threads.Count);
        string[] regs = ["eax", "ebx", "ecx", "edx", "esi", "edi", "eip", "esp", "ebp", "cs", "ss", "ds", "es", "fs", "gs"];
        for (int i = 0; i < threads.Count; i++)
        {
            var e = threads[i];
            var th = t.Threads[i];
            Assert.Equal(e.Number("thread_id"), (ulong)th.ThreadId);
            Assert.Equal(e.Number("suspend_count"), (ulong)th.SuspendCount);
            Assert.Equal(e.Number("priority_class"), (ulong)th.PriorityClass);
            Assert.Equal(e.Number("priority"), (ulong)th.Priority);
            Assert.Equal(e.Number("teb"), th.Teb);
            Assert.Equal(e.Number("stack.start_of_memory_range"), th.StackStart);
            Assert.Equal(e.Number("stack.memory.data_size"), th.StackSize);
            var ctx = o.Following(e, "MDRawContextX86")!;
            Assert.NotNull(th.Context);
            Assert.Equal(Machine.X86, th.Context!.Machine);
            foreach (var r in regs) Assert.Equal(ctx.Number(r), th.Context.Get(r));
            Assert.Equal(ctx.Number("eflags"), th.Context.Get("efl"));
            Assert.Equal(ctx.Number("dr7"), th.Context.Get("dr7"));
            // The stack bytes are readable through the memory index.
            var first = new byte[4];
            Assert.Equal(4, t.Memory.Read(th.StackStart, first, out var fault));
            Assert.Null(fault);
        }
    }

    [SharedDataFact(Expected)]
    public void Exception_and_its_context_match()
    {
        var (t, o) = Load();
        using var _ = t;
        var e = o.All("MDException").Single();
        var x = t.Exception!;
        Assert.Equal(e.Number("thread_id"), (ulong)x.ThreadId);
        Assert.Equal(e.Number("exception_record.exception_code"), (ulong)x.Code);
        Assert.Equal(e.Number("exception_record.exception_flags"), (ulong)x.Flags);
        Assert.Equal(e.Number("exception_record.exception_record"), x.Record);
        Assert.Equal(e.Number("exception_record.exception_address"), x.Address);
        Assert.Equal((int)e.Number("exception_record.number_parameters"), x.Parameters.Count);
        for (int i = 0; i < x.Parameters.Count; i++)
            Assert.Equal(e.Number($"exception_record.exception_information[{i,2}]"), x.Parameters[i]);
        var ctx = o.Following(e, "MDRawContextX86")!;
        foreach (var r in new[] { "eip", "esp", "ebp", "eax", "ecx", "edx", "ebx", "esi", "edi" })
            Assert.Equal(ctx.Number(r), x.Context!.Get(r));
        Assert.Equal(ctx.Number("eflags"), x.Context!.Get("efl"));
        Assert.Equal(x.ThreadId, t.Threads[t.CurrentThreadIndex].ThreadId);
    }

    [SharedDataFact(Expected)]
    public void System_misc_and_memory_match()
    {
        var (t, o) = Load();
        using var _ = t;
        var s = o.All("MDRawSystemInfo").Single();
        var sys = t.System!;
        Assert.Equal(Machine.X86, t.Machine);
        Assert.Equal(s.Number("number_of_processors"), (ulong)sys.ProcessorCount);
        Assert.Equal(s.Number("major_version"), (ulong)sys.MajorVersion);
        Assert.Equal(s.Number("minor_version"), (ulong)sys.MinorVersion);
        Assert.Equal(s.Number("build_number"), (ulong)sys.BuildNumber);
        Assert.Equal(s.Number("platform_id"), (ulong)sys.PlatformId);
        Assert.Equal(s.Number("product_type"), (ulong)sys.ProductType);
        Assert.Equal(s.Number("suite_mask"), (ulong)sys.SuiteMask);
        Assert.Equal(s.Number("processor_level"), (ulong)sys.ProcessorLevel);
        Assert.Equal(s.Number("processor_revision"), (ulong)sys.ProcessorRevision);
        Assert.Equal(s.Text("(csd_version)"), sys.ServicePack);
        Assert.Equal(s.Text("(cpu_vendor)"), sys.CpuVendor);
        Assert.Equal(s.Number("cpu.x86_cpu_info.feature_information"), (ulong)t.RawSystemInfo!.FeatureInformation);

        var m = o.All("MDRawMiscInfo").Single();
        Assert.Equal(m.Number("process_id"), (ulong)t.ProcessId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((long)m.Number("process_create_time")), t.Times.ProcessCreateTime);
        Assert.Equal(TimeSpan.FromSeconds(m.Number("process_user_time")), t.Times.ProcessUserTime);
        Assert.Equal(1, t.MiscInfo!.Version);

        var regions = o.All("MDMemoryDescriptor").ToList();
        Assert.Equal(regions.Count, t.MemoryIndex.Ranges.Count);
        foreach (var r in regions)
            Assert.Contains(t.MemoryIndex.Ranges, x => x.Start == r.Number("start_of_memory_range") && x.Size == r.Number("memory.data_size")
                && x.FileOffset == (long)r.Number("memory.rva"));

        var bp = o.All("MDRawBreakpadInfo").Single();
        Assert.Equal((uint)bp.Number("dump_thread_id"), t.BreakpadInfo!.DumpThread);
        Assert.Equal((uint)bp.Number("requesting_thread_id"), t.BreakpadInfo.RequestingThread);
    }
}
