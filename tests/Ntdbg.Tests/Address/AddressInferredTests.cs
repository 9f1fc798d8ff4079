using Ntdbg.Analyses.AddressMap;
using Ntdbg.Commands.Commands.Address;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Address;

/// <summary>
/// `!address` on dumps without a MemoryInfoList (the crash fixtures are MiniDumpNormal; the real
/// breakpad/lldb/sentry dumps): the map is inferred from held memory, modules and stacks, and says so.
/// </summary>
public sealed class AddressInferredTests
{
    public static TheoryData<string> Fixtures => new() { "crash-x64.dmp", "crash-x86.dmp" };

    public static TheoryData<string> RealDumps => new()
    {
        "breakpad/minidump2.dmp", "breakpad/null_read_av.dmp", "breakpad/stack_exhaustion.dmp",
        "breakpad/thread_name_list.dmp", "breakpad/tiny-exe-fastfail.dmp", "lldb/sigsegv.dmp", "sentry/windows.dmp",
    };

    [Theory, MemberData(nameof(Fixtures))]
    public void CrashFixtures(string dump) => InferredMapSaysWhatIsUnknownAndClassifiesStacksAndImages(FixtureFiles.Out(dump));

    [SharedDataTheory, MemberData(nameof(RealDumps))]
    public void RealUserDumps(string dump) => InferredMapSaysWhatIsUnknownAndClassifiesStacksAndImages(TestData.Shared("user/" + dump));

    private static void InferredMapSaysWhatIsUnknownAndClassifiesStacksAndImages(string path)
    {
        using var target = (UserDumpTarget)TargetLoader.Open(path);
        Assert.Empty(target.MemoryRegions);
        var session = new DebugSession(target);
        var map = AddressCommand.BuildMap(session, target);
        Assert.Equal(AddressMapSource.Inferred, map.Source);
        Assert.StartsWith("The dump has no MemoryInfoList", map.Notes[0]);
        Assert.DoesNotContain(map.Regions, r => r.Usage == AddressUsage.Free);
        for (int i = 1; i < map.Regions.Count; i++) Assert.True(map.Regions[i - 1].End <= map.Regions[i].Base, "regions overlap or are unsorted");
        // Every byte the dump holds is in the map, as committed memory.
        foreach (var held in target.MemoryIndex.Ranges.Where(r => r.Size > 0))
        {
            Assert.Equal(MemoryConstants.MemCommit, map.Find(held.Start)?.State);
            Assert.NotNull(map.Find(held.Start + held.Size - 1));
        }
        foreach (var t in target.Threads.Where(t => t.StackSize > 0))
        {
            var r = map.Find(t.StackStart);
            Assert.Equal(AddressUsage.Stack, r?.Usage);
            Assert.Equal((uint?)t.ThreadId, r!.Owner?.ThreadId);
        }
        foreach (var m in session.Modules.All.Where(m => m.Size > 0))
            Assert.Equal(AddressUsage.Image, map.Find(m.Base)?.Usage);

        string text = Run.Text(target, "!address -summary", session);
        Assert.StartsWith("NOTE: inferred map (no MemoryInfoList in the dump)", text.TrimStart());
        Assert.DoesNotContain("\nFree ", text);
        Assert.Contains(AddressSummaryText.UsageHeader, text);
        Assert.Contains("\nStack ", text);
        var thread = target.Threads.First(t => t.StackSize > 0);
        string detail = Run.Text(target, $"!address {thread.StackStart:x}", session);
        Assert.Contains($"Stack [~{thread.Index}; {target.ProcessId:x}.{thread.ThreadId:x}]", detail);
        Assert.Contains("Allocation Base:        " + AddressDetailText.Unknown, detail);
    }
}
