using Ntdbg.Targets.Model;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// SystemMemoryInfoStream in the real Windows dumps, checked against facts of Windows itself: 4 KiB pages,
/// 64 KiB allocation granularity, the user-mode address range of the architecture, the processor count.
/// </summary>
public sealed class SystemMemoryInfoTests
{
    [SharedDataTheory]
    [InlineData("user/lldb/sigsegv.dmp")]
    [InlineData("user/sentry/windows.dmp")]
    [InlineData("user/breakpad/thread_name_list.dmp")]
    [InlineData("user/breakpad/tiny-exe-fastfail.dmp")]
    public void Basic_memory_facts_are_those_of_windows(string relative)
    {
        using var t = UserDumpTarget.Open(TestData.Shared(relative));
        var m = t.SystemMemoryInfo!;
        Assert.Equal(4096u, m.PageSize);
        Assert.Equal(0x10000u, m.AllocationGranularity);
        Assert.Equal(0x10000UL, m.MinimumUserModeAddress);
        // A 32-bit process on 64-bit Windows may be large-address-aware (up to 0xfffeffff).
        if (t.Machine == Machine.X64) Assert.Equal(0x7ffffffeffffUL, m.MaximumUserModeAddress);
        else Assert.Contains(m.MaximumUserModeAddress, new[] { 0x7ffeffffUL, 0xbffeffffUL, 0xfffeffffUL });
        Assert.Equal(t.System!.ProcessorCount, m.NumberOfProcessors);
        Assert.True(m.NumberOfPhysicalPages > 0 && m.HighestPhysicalPageNumber >= m.NumberOfPhysicalPages / 2);
        Assert.True(m.CommittedPages <= m.CommitLimit && m.CommittedPages <= m.PeakCommitment);
        Assert.Contains(t.Streams, s => s.Type == 21 && s.Status == DumpStreamStatus.Decoded);
    }
}
