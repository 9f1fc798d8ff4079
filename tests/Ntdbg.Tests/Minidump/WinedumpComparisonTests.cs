using Ntdbg.Targets.User;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// Every real user dump against winedump (Wine's independent minidump reader), run at test time:
/// threads, modules, memory ranges, the exception record, system and misc info must agree.
/// </summary>
public sealed class WinedumpComparisonTests
{
    [ToolFact("winedump")] public void Breakpad_minidump2() => Compare("user/breakpad/minidump2.dmp");
    [ToolFact("winedump")] public void Breakpad_null_read_av() => Compare("user/breakpad/null_read_av.dmp");
    [ToolFact("winedump")] public void Breakpad_stack_exhaustion() => Compare("user/breakpad/stack_exhaustion.dmp");
    [ToolFact("winedump")] public void Breakpad_thread_name_list() => Compare("user/breakpad/thread_name_list.dmp");
    [ToolFact("winedump")] public void Breakpad_tiny_exe_fastfail() => Compare("user/breakpad/tiny-exe-fastfail.dmp");
    [ToolFact("winedump")] public void Lldb_sigsegv() => Compare("user/lldb/sigsegv.dmp");
    [ToolFact("winedump")] public void Sentry_windows() => Compare("user/sentry/windows.dmp");

    // The project's own fixtures (Wine's dbghelp plus the streams the programs add): handles, thread
    // info, unloaded modules, Memory64List, dumper thread without context, thousands of repeated ranges.
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_crash_x64() => CompareFile(FixtureFiles.Out("crash-x64.dmp"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_crash_x86() => CompareFile(FixtureFiles.Out("crash-x86.dmp"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_useheap_x64() => CompareFile(FixtureFiles.PrivateDump("useheap-x64"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_useheap_x86() => CompareFile(FixtureFiles.PrivateDump("useheap-x86"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_deadlock_x64() => CompareFile(FixtureFiles.PrivateDump("deadlock-x64"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_deadlock_x86() => CompareFile(FixtureFiles.PrivateDump("deadlock-x86"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_blobleak_x64() => CompareFile(FixtureFiles.PrivateDump("blobleak-x64"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_blobleak_x86() => CompareFile(FixtureFiles.PrivateDump("blobleak-x86"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_manyheaps_x64() => CompareFile(FixtureFiles.PrivateDump("manyheaps-x64"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_manyheaps_x86() => CompareFile(FixtureFiles.PrivateDump("manyheaps-x86"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_deadlock3_x64() => CompareFile(FixtureFiles.PrivateDump("deadlock3-x64"));
    [ToolFact("winedump", needsSharedData: false)] public void Fixture_deadlock3_x86() => CompareFile(FixtureFiles.PrivateDump("deadlock3-x86"));

    private static void Compare(string relative) => CompareFile(TestData.Shared(relative));

    /// <summary>Merges (start, end) ranges into their union, so lists with repeats compare by coverage.</summary>
    private static List<(ulong Start, ulong End)> Union(IEnumerable<(ulong Start, ulong End)> ranges)
    {
        var result = new List<(ulong Start, ulong End)>();
        foreach (var r in ranges.Where(r => r.End > r.Start).OrderBy(r => r.Start))
        {
            if (result.Count > 0 && r.Start <= result[^1].End) result[^1] = (result[^1].Start, Math.Max(result[^1].End, r.End));
            else result.Add(r);
        }
        return result;
    }

    private static void CompareFile(string path)
    {
        var w = WinedumpReport.Run(path);
        using var t = UserDumpTarget.Open(path);

        Assert.Equal(w.TimeDateStamp, t.Times.DumpTime!.Value.UtcDateTime);
        Assert.Empty(t.Warnings);

        Assert.NotEmpty(w.Threads);
        Assert.Equal(w.Threads.Count, t.Threads.Count);
        for (int i = 0; i < w.Threads.Count; i++)
        {
            var e = w.Threads[i];
            var a = t.Threads[i];
            Assert.Equal(e.Id, a.ThreadId);
            Assert.Equal(e.SuspendCount, a.SuspendCount);
            Assert.Equal(e.PriorityClass, a.PriorityClass);
            Assert.Equal(e.Priority, a.Priority);
            Assert.Equal(e.Teb, a.Teb);
            Assert.Equal(e.StackStart, a.StackStart);
            Assert.Equal(e.StackEnd, a.StackStart + a.StackSize);
            Assert.Equal(t.RawThreads[i].Context.DataSize > 0, a.Context != null);
        }

        Assert.NotEmpty(w.Modules);
        Assert.Equal(w.Modules.Count, t.Modules.Count);
        for (int i = 0; i < w.Modules.Count; i++)
        {
            var e = w.Modules[i];
            var a = t.Modules[i];
            Assert.Equal(e.Base, a.Base);
            Assert.Equal(e.Size, a.Size);
            Assert.Equal(e.CheckSum, (ulong)a.CheckSum);
            Assert.Equal(e.TimeDateStamp, DateTimeOffset.FromUnixTimeSeconds(a.TimeDateStamp).UtcDateTime);
            Assert.Equal(e.Name, a.ImagePath);
            Assert.Equal(e.CvRecordSize, (int)t.RawModules[i].CvRecordLocation.DataSize);
            if (e.CvRecordSize > 0) Assert.NotNull(a.CodeView);
            if (e.Signature == 0xfeef04bd)
            {
                Assert.Equal(e.FileVersion, a.Version!.FileVersion);
                Assert.Equal(e.ProductVersion, a.Version.ProductVersion);
            }
            else Assert.Null(a.Version);
        }

        // winedump lists the MemoryList (not Memory64List) ranges; ours merge both lists.
        if (t.Streams.All(s => s.Type != 9))
            Assert.Equal(Union(w.MemoryRanges), Union(t.MemoryIndex.Ranges.Select(r => (r.Start, r.End))));
        else
            Assert.Equal(Union(w.MemoryRanges), Union(w.MemoryRanges.SelectMany(r => t.MemoryIndex.Ranges
                .Where(x => x.Start < r.End && x.End > r.Start).Select(x => (Math.Max(x.Start, r.Start), Math.Min(x.End, r.End))))));

        CompareHandlesThreadInfoUnloaded(w, t);
        CompareException(w, t);

        Assert.Equal(w.Processors, (int)t.System!.ProcessorCount);
        Assert.Equal(w.Build, t.System.BuildNumber);
        Assert.Equal(w.Csd, t.System.ServicePack);
        if (w.VendorId != null) Assert.Equal(w.VendorId, t.System.CpuVendor);

        Assert.Equal(w.MiscSize, (ulong)t.MiscInfo!.SizeOfInfo);
        Assert.Equal(w.MiscFlags, (ulong)t.MiscInfo.Flags);
        Assert.Equal(w.ProcessId, (ulong)t.ProcessId);
        Assert.Equal(w.ProcessCreateTime, t.Times.ProcessCreateTime?.UtcDateTime);

        foreach (var (index, type) in w.UndecodedStreams)
            Assert.Equal(type, (ulong)t.Streams[index].Type);
    }

    private static void CompareException(WinedumpReport w, UserDumpTarget t)
    {
        var x = w.Exception;
        if (x == null)
        {
            Assert.Null(t.Exception);
            return;
        }
        Assert.NotNull(t.Exception);
        Assert.Equal(x.ThreadId, t.Exception!.ThreadId);
        Assert.Equal(x.Code, t.Exception.Code);
        Assert.Equal(x.Flags, t.Exception.Flags);
        Assert.Equal(x.Record, t.Exception.Record);
        Assert.Equal(x.Address, t.Exception.Address);
        Assert.Equal(x.NumberParameters, (ulong)t.Exception.Parameters.Count);
        Assert.Equal(x.Parameters, t.Exception.Parameters);
        Assert.NotNull(t.Exception.Context);
        Assert.Equal(x.ThreadId, t.Threads[t.CurrentThreadIndex].ThreadId);

    }

    private static void CompareHandlesThreadInfoUnloaded(WinedumpReport w, UserDumpTarget t)
    {
        Assert.Equal(w.Handles.Count, t.Handles.Count);
        for (int i = 0; i < w.Handles.Count; i++)
        {
            var e = w.Handles[i];
            var a = t.Handles[i];
            Assert.Equal((e.Value, e.TypeName, e.ObjectName), (a.Handle, a.TypeName, a.ObjectName));
            Assert.Equal((e.Attributes, e.GrantedAccess, e.HandleCount, e.PointerCount),
                ((ulong)a.Attributes, (ulong)a.GrantedAccess, (ulong)a.HandleCount, (ulong)a.PointerCount));
        }
        foreach (var e in w.ThreadInfos)
        {
            var a = t.Threads.Single(x => x.ThreadId == e.ThreadId).Times!;
            Assert.Equal((e.DumpFlags, e.DumpError, e.ExitStatus), ((ulong)a.DumpFlags, (ulong)a.DumpError, (ulong)a.ExitStatus));
            Assert.Equal((e.CreateTime, e.ExitTime, e.KernelTime, e.UserTime, e.StartAddress, e.Affinity),
                (a.CreateTime, a.ExitTime, a.KernelTime, a.UserTime, a.StartAddress, a.Affinity));
        }
        Assert.Equal(w.ThreadInfos.Count, t.Threads.Count(x => x.Times != null));
        Assert.Equal(w.UnloadedModules.Count, t.UnloadedModules.Count);
        for (int i = 0; i < w.UnloadedModules.Count; i++)
        {
            var e = w.UnloadedModules[i];
            var a = t.UnloadedModules[i];
            Assert.Equal((e.Base, e.Size, e.CheckSum, e.Name), (a.Base, a.Size, (ulong)a.CheckSum, a.ImagePath));
            Assert.Equal(e.TimeDateStamp, DateTimeOffset.FromUnixTimeSeconds(a.TimeDateStamp).UtcDateTime);
        }
    }
}
