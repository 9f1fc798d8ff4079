using Ntdbg.Targets.User;
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

    private static void Compare(string relative)
    {
        string path = TestData.Shared(relative);
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
            Assert.NotNull(a.Context);
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

        var ranges = w.MemoryRanges.OrderBy(r => r.Start).ToList();
        Assert.Equal(ranges, t.MemoryIndex.Ranges.Select(r => (r.Start, r.End)).ToList());

        var x = w.Exception!;
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

        Assert.Equal(w.Processors, (int)t.System!.ProcessorCount);
        Assert.Equal(w.Build, t.System.BuildNumber);
        Assert.Equal(w.Csd, t.System.ServicePack);
        if (w.VendorId != null) Assert.Equal(w.VendorId, t.System.CpuVendor);

        Assert.Equal(w.MiscSize, (ulong)t.MiscInfo!.SizeOfInfo);
        Assert.Equal(w.MiscFlags, (ulong)t.MiscInfo.Flags);
        Assert.Equal(w.ProcessId, (ulong)t.ProcessId);
        Assert.Equal(w.ProcessCreateTime, t.Times.ProcessCreateTime!.Value.UtcDateTime);

        foreach (var (index, type) in w.UndecodedStreams)
            Assert.Equal(type, (ulong)t.Streams[index].Type);
    }
}
