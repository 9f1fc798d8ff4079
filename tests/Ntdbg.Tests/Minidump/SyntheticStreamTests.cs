using Ntdbg.Synth;
using Ntdbg.Targets;
using Ntdbg.Targets.User;

namespace Ntdbg.Tests.Minidump;

/// <summary>Each standard stream written by the builder and read back through the target.</summary>
public sealed class SyntheticStreamTests
{
    [Fact]
    public void Threads_get_names_times_and_stacks()
    {
        var built = SynthDumps.X64Base()
            .AddThread(0x200, 0x7ff0_0000_2000, 0x2000_0000, SynthDumps.Pattern(0x2000_0000, 0x80), SynthDumps.X64Context(rip: 0x4141), suspendCount: 2, priority: 15)
            .AddThreadName(0x200, "worker — ünïcode")
            .AddThreadInfo(0x100, createTime: 132_000_000_000_000_000, kernelTime: 50, userTime: 70, startAddress: 0x7ff6_0000_1000, affinity: 0xf)
            .Build();
        using var t = SynthDumps.Open(built);
        Assert.Equal(2, t.Threads.Count);
        var main = t.Threads[0];
        var worker = t.Threads[1];
        Assert.Null(main.Name);
        Assert.Equal("worker — ünïcode", worker.Name);
        Assert.Equal((0x100u, 0x7ff0_0000_0000UL, 0x1000_0000UL, 0x100UL), (main.ThreadId, main.Teb, main.StackStart, main.StackSize));
        Assert.Equal((2u, 15u, 0x20u), (worker.SuspendCount, worker.Priority, worker.PriorityClass));
        Assert.Equal(0x4141UL, worker.Context!.InstructionPointer);
        Assert.Equal(new ThreadTimesExpect(0x7ff6_0000_1000, 0xf, 132_000_000_000_000_000, 50, 70), ThreadTimesExpect.Of(main.Times!));
        Assert.Null(worker.Times);
        var top = new byte[8];
        Assert.Equal(8, t.Memory.Read(worker.StackStart, top, out _));
        Assert.Equal(SynthDumps.Pattern(0x2000_0000, 8), top);
    }

    private sealed record ThreadTimesExpect(ulong Start, ulong Affinity, ulong Create, ulong Kernel, ulong User)
    {
        public static ThreadTimesExpect Of(Ntdbg.Targets.Model.ThreadTimes t) => new(t.StartAddress, t.Affinity, t.CreateTime, t.KernelTime, t.UserTime);
    }

    [Fact]
    public void Modules_carry_RSDS_and_NB10_identities_and_versions()
    {
        var guid = Guid.Parse("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
        var built = SynthDumps.X64Base()
            .AddModule(0x7ff6_0000_0000, 0x25000, @"C:\app\app.exe", 0x5f5e1000, 0x2a2b3, @"C:\build\app.pdb", guid, 3, [10, 0, 19041, 1288])
            .AddModuleNb10(0x1000_0000, 0x8000, @"C:\old\legacy.dll", 0x3c4d5e6f, 2, "legacy.pdb")
            .AddModule(0x2000_0000, 0x1000, "nocv.dll")
            .Build();
        using var t = SynthDumps.Open(built);
        Assert.Equal(3, t.Modules.Count);
        var app = t.Modules[0];
        Assert.Equal(("app", 0x7ff6_0000_0000UL, 0x25000UL, 0x5f5e1000u, 0x2a2b3u), (app.Name, app.Base, app.Size, app.TimeDateStamp, app.CheckSum));
        Assert.Equal(("RSDS", @"C:\build\app.pdb", guid, 3u), (app.CodeView!.Signature, app.CodeView.PdbPath, app.CodeView.Guid, app.CodeView.Age));
        Assert.Equal("0A1B2C3D4E5F60718293A4B5C6D7E8F93", app.CodeView.SymbolKey);
        Assert.Equal("10.0.19041.1288", app.Version!.FileVersion);
        var legacy = t.Modules[1];
        Assert.Equal(("NB10", "legacy.pdb", 0x3c4d5e6fu, 2u), (legacy.CodeView!.Signature, legacy.CodeView.PdbPath, legacy.CodeView.Nb10Signature, legacy.CodeView.Age));
        Assert.Equal("3C4D5E6F2", legacy.CodeView.SymbolKey);
        Assert.Null(legacy.Version);
        Assert.Null(t.Modules[2].CodeView);
    }

    [Fact]
    public void Unloaded_modules_memory_regions_handles_and_comments_are_read()
    {
        var built = SynthDumps.X64Base()
            .AddUnloadedModule(0x7ff8_1000_0000, 0x3000, @"C:\Windows\gone.dll", 0x11223344, 0x5566)
            .AddMemoryInfo(0x1000_0000, 0x0fff_0000, 0x04, 0x10000, 0x1000, 0x04, 0x20000)
            .AddMemoryInfo(0x7ff6_0000_0000, 0x7ff6_0000_0000, 0x80, 0x1000, 0x1000, 0x02, 0x1000000)
            .AddHandle(0x4, "Event", null, grantedAccess: 0x1f0003)
            .AddHandle(0x8, "File", @"\Device\HarddiskVolume3\log.txt", attributes: 2, handleCount: 1, pointerCount: 32769)
            .AddComment("ascii comment", wide: false)
            .AddComment("wide comment ✓", wide: true)
            .Build();
        using var t = SynthDumps.Open(built);
        Assert.Equal(new Ntdbg.Targets.Model.UnloadedModuleInfo(@"C:\Windows\gone.dll", 0x7ff8_1000_0000, 0x3000, 0x11223344, 0x5566), t.UnloadedModules.Single());
        Assert.Equal(new MemoryRegionInfo(0x1000_0000, 0x0fff_0000, 0x04, 0x10000, 0x1000, 0x04, 0x20000), t.MemoryRegions[0]);
        Assert.Equal(0x1000000u, t.MemoryRegions[1].Type);
        Assert.Equal(new HandleInfo(0x4, "Event", null, 0, 0x1f0003, 1, 2), t.Handles[0]);
        Assert.Equal(new HandleInfo(0x8, "File", @"\Device\HarddiskVolume3\log.txt", 2, 0x1f0003, 1, 32769), t.Handles[1]);
        Assert.Equal(["ascii comment", "wide comment ✓"], t.Comments);
        Assert.Empty(t.Warnings);
    }

    [Fact]
    public void Version_one_handle_descriptors_are_read_by_their_size()
    {
        var built = SynthDumps.X64Base().WithHandleDescriptorVersion1()
            .AddHandle(0x10, "Key", @"\REGISTRY\MACHINE").AddHandle(0x14, "Mutant", null).Build();
        using var t = SynthDumps.Open(built);
        Assert.Equal(["Key", "Mutant"], t.Handles.Select(h => h.TypeName));
        Assert.Equal(0x14UL, t.Handles[1].Handle);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Misc_info_fields_appear_by_version(int version)
    {
        var built = SynthDumps.X64Base().WithHeader(1_700_000_000)
            .WithMiscInfo(version, processId: 4321, createTime: 1_699_999_000, userTime: 12, kernelTime: 3, tzBias: 480,
                tzStandardName: "Pacific Standard Time", tzDaylightName: "Pacific Daylight Time", tzId: 2,
                buildString: "19041.1.amd64fre.vb_release.191206-1406", dbgBuildString: "dbgcore.amd64,10.0.19041.1", processorMaxMhz: 3400)
            .Build();
        using var t = SynthDumps.Open(built);
        var m = t.MiscInfo!;
        Assert.Equal(version, m.Version);
        Assert.Equal(4321u, t.ProcessId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), t.Times.DumpTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_699_999_000), t.Times.ProcessCreateTime);
        Assert.Equal(TimeSpan.FromSeconds(1000), t.Times.ProcessUpTime);
        Assert.Equal(TimeSpan.FromSeconds(12), t.Times.ProcessUserTime);
        Assert.Equal(TimeSpan.FromSeconds(3), t.Times.ProcessKernelTime);
        Assert.Equal(version >= 2 ? 3400u : null, m.ProcessorMaxMhz);
        Assert.Equal(version >= 3 ? -420 : null, t.Times.TimeZoneBiasMinutes);
        Assert.Equal(version >= 3 ? "Pacific Daylight Time" : null, t.Times.TimeZoneName);
        Assert.Equal(version >= 4 ? "19041.1.amd64fre.vb_release.191206-1406" : null, t.System!.BuildLab);
        Assert.Equal(version >= 4 ? "dbgcore.amd64,10.0.19041.1" : null, m.DbgBuildString);
        Assert.Equal(version >= 5 ? 0x12345678u : null, m.ProcessCookie);
    }

    [Fact]
    public void Misc_info_honours_SizeOfInfo_smaller_than_the_stream()
    {
        var built = SynthDumps.X64Base().WithMiscInfo(5, processId: 1, createTime: 2, buildString: "should not be read").Build();
        var misc = built.Stream(MinidumpBuilder.MiscInfoStream);
        using var t = SynthDumps.Open(built.WithU32((int)misc.Rva, 44));
        Assert.Equal(2, t.MiscInfo!.Version);
        Assert.Null(t.MiscInfo.BuildString);
        Assert.Null(t.MiscInfo.TimeZone);
        Assert.Equal(1u, t.ProcessId);
    }

    [Fact]
    public void Exception_selects_the_current_thread_and_follows_nested_records_through_memory()
    {
        // A nested EXCEPTION_RECORD64 in dumped memory whose own ExceptionRecord points back to itself (a cycle).
        const ulong nestedAt = 0x3000_0000;
        var nested = new byte[152];
        BitConverter.TryWriteBytes(nested.AsSpan(0), 0xC0000409u);
        BitConverter.TryWriteBytes(nested.AsSpan(8), nestedAt);
        BitConverter.TryWriteBytes(nested.AsSpan(16), 0x7ff6_0000_2222UL);
        BitConverter.TryWriteBytes(nested.AsSpan(24), 1u);
        BitConverter.TryWriteBytes(nested.AsSpan(32), 7UL);
        var built = SynthDumps.X64Base()
            .AddThread(0x300, 0x7ff0_0000_3000, 0x2000_0000, new byte[0x40], SynthDumps.X64Context(rip: 0x1111))
            .AddMemory(nestedAt, nested)
            .WithException(0x300, 0xC0000005, 0x7ff6_0000_1111, [1, 0xdead], SynthDumps.X64Context(rip: 0x7ff6_0000_1111), nestedRecord: nestedAt)
            .Build();
        using var t = SynthDumps.Open(built);
        var x = t.Exception!;
        Assert.Equal((0x300u, 0xC0000005u, 0x7ff6_0000_1111UL, nestedAt), (x.ThreadId, x.Code, x.Address, x.Record));
        Assert.Equal([1UL, 0xdeadUL], x.Parameters);
        Assert.Equal(0x7ff6_0000_1111UL, x.Context!.InstructionPointer);
        Assert.Equal(1, t.CurrentThreadIndex);
        Assert.Equal(0x1111UL, t.Threads[1].Context!.InstructionPointer);
        Assert.Equal((0xC0000409u, 0x7ff6_0000_2222UL), (x.Inner!.Code, x.Inner.Address));
        Assert.Equal([7UL], x.Inner.Parameters);
        Assert.Null(x.Inner.Inner);
    }

    [Fact]
    public void Unknown_and_undecoded_streams_are_listed_not_fatal()
    {
        var built = SynthDumps.X64Base().AddRawStream(0x7777_0001, [1, 2, 3, 4]).AddRawStream(19, new byte[8]).WithEmptyDirectorySlots(2)
            .AddComment("first", wide: false).AddComment("second", wide: false).Build();
        using var t = SynthDumps.Open(built);
        Assert.Contains(t.Streams, s => s.Type == 0x7777_0001 && s.Status == DumpStreamStatus.Unknown && s.TypeName.Contains("unknown"));
        Assert.Contains(t.Streams, s => s.Type == 19 && s.Status == DumpStreamStatus.NotDecoded && s.TypeName == "Token");
        Assert.Equal(2, t.Streams.Count(s => s.Status == DumpStreamStatus.Empty));
        Assert.Contains(t.Streams, s => s.Type == 3 && s.Status == DumpStreamStatus.Decoded);
        // A second stream of a type already read is listed as a duplicate; like dbghelp, only the first is used.
        Assert.Equal([DumpStreamStatus.Decoded, DumpStreamStatus.Duplicate], t.Streams.Where(s => s.Type == 10).Select(s => s.Status));
        Assert.Equal(["first"], t.Comments);
        Assert.Empty(t.Warnings);
    }
}
