using Ntdbg.Synth;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>ProcessVmCountersStream: synthetic revision 2 by flags, and a plausibility check on a real dump.</summary>
public sealed class VmCountersTests
{
    [Fact]
    public void Revision_two_counters_follow_their_flags()
    {
        // Flags: counters (1) | virtual size (2) | EX2 (8); no job counters.
        using var t = SynthDumps.Open(SynthDumps.X64Base().WithProcessVmCounters2(0x1 | 0x2 | 0x8).Build());
        var c = t.VmCounters!;
        Assert.Equal((2, 77u), ((int)c.Revision, c.PageFaultCount));
        Assert.Equal((1000UL, 2000UL, 8000UL), (c.PeakWorkingSetSize, c.WorkingSetSize, c.PeakPagefileUsage));
        Assert.Equal((9000UL, 10000UL), (c.PeakVirtualSize, c.VirtualSize));
        Assert.Equal(11000UL, c.PrivateUsage);
        Assert.Equal((12000UL, 13000UL), (c.PrivateWorkingSetSize, c.SharedCommitUsage));
        Assert.Null(c.JobTotalCommitLimit);
    }

    [SharedDataFact("user/lldb/sigsegv.dmp")]
    public void Real_counters_are_plausible()
    {
        using var t = UserDumpTarget.Open(TestData.Shared("user/lldb/sigsegv.dmp"));
        var c = t.VmCounters!;
        Assert.Equal(2, c.Revision);
        Assert.True(c.PageFaultCount > 0);
        Assert.InRange(c.WorkingSetSize, 4096UL, c.PeakWorkingSetSize);
        Assert.True(c.VirtualSize >= c.WorkingSetSize);
        Assert.True(c.PeakVirtualSize >= c.VirtualSize);
        Assert.Equal(0UL, c.WorkingSetSize % 4096);
    }
}
