using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// The forms of `k` besides the plain walk (whose frames the Wine, rizin and breakpad tests check):
/// `k = start registers`, kb/kv's argument columns read back with `dd`/`dq`, kv's FPO notes,
/// `~* k` and `~~[tid]`, and `!stacks` with a filter.
/// </summary>
public sealed class StackCommandFormTests
{
    private static DebugSession Session(ITarget target) => new(target, TestData.Repo("fixtures/out"));

    [Theory]
    [InlineData("x64")]
    [InlineData("x86")]
    public void KEqualsStartsTheWalkAtTheGivenFrame(string arch)
    {
        using var target = TargetLoader.Open(DeepstackFixture.Dump(arch));
        var frames = DeepstackFixture.ParseK(Run.Text(target, ".ecxr; kn", Session(target)));
        Assert.True(frames.Count > 8);
        // Frame 4 starts at frame 3's return address, with frame 4's stack (x64: Child-SP) or
        // frame pointer (x86: ChildEBP, given as both ebp and esp).
        ulong ip = frames[3].ReturnAddress, at = frames[4].Stack;
        string start = arch == "x64" ? $"k = {at:x} {ip:x} 3" : $"k = {at:x} {at:x} {ip:x} 3";
        var again = DeepstackFixture.ParseK(Run.Text(target, $".ecxr; {start}".Replace("k =", "kn ="), Session(target)));
        Assert.Equal(3, again.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(frames[4 + i].Stack, again[i].Stack);
            Assert.Equal(frames[4 + i].ReturnAddress, again[i].ReturnAddress);
            Assert.Equal(frames[4 + i].Function, again[i].Function);
        }
    }

    [Fact]
    public void KbArgumentsAreTheStackSlotsDdShows()
    {
        using var target = TargetLoader.Open(DeepstackFixture.Dump("x86"));
        string kb = Run.Text(target, ".ecxr; kb 6", Session(target));
        var lines = Regex.Matches(kb, @"^([0-9a-f]{8}) [0-9a-f]{8} ([0-9a-f?]{8}) ([0-9a-f?]{8}) ([0-9a-f?]{8}) ", RegexOptions.Multiline);
        Assert.True(lines.Count >= 5, kb);
        foreach (Match l in lines)
        {
            string dd = Run.Text(target, $"dd {l.Groups[1].Value}+8 L3", Session(target));
            var values = Regex.Match(dd, @"^[0-9a-f]{8}  ([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8})", RegexOptions.Multiline);
            Assert.True(values.Success, dd);
            for (int i = 1; i <= 3; i++) Assert.Equal(values.Groups[i].Value, l.Groups[i + 1].Value);
        }
    }

    [Fact]
    public void KvNotesTheFrameDataThatUnwoundEachX86Frame()
    {
        using var target = TargetLoader.Open(DeepstackFixture.Dump("x86"));
        string kv = Run.Text(target, ".ecxr; kv 8", Session(target));
        // clang's x86 PDB carries FRAMEDATA for every function of the program: each of its frames says so.
        var own = kv.Split('\n').Where(l => Regex.IsMatch(l, "^[0-9a-f]{8} ") && l.Contains("deepstack_x86!", StringComparison.Ordinal)).ToList();
        Assert.True(own.Count >= 6, kv);
        Assert.All(own.Take(6), l => Assert.Contains("(FPO: ", l));
        Assert.Contains("ChildEBP RetAddr  Args to Child", kv);
    }

    [Fact]
    public void PerThreadCommandsVisitEveryThreadAndRestoreTheCurrentOne()
    {
        using var target = TargetLoader.Open(DeepstackFixture.Dump("x64"));
        var session = Session(target);
        string all = Run.Text(target, "~2s; ~* k 1", session);
        Assert.Equal(2, session.CurrentThreadIndex);
        var headers = Regex.Matches(all, @"^[ .#]\s*(\d+)\s+Id: [0-9a-f]+\.([0-9a-f]+)", RegexOptions.Multiline);
        Assert.Equal(target.Threads.Count, headers.Count);
        // Each thread's single frame is at that thread's own instruction pointer.
        var firstFrames = Regex.Matches(all, @"^[0-9a-f]{8}`[0-9a-f]{8} [0-9a-f]{8}`[0-9a-f]{8}\s+(\S+)", RegexOptions.Multiline);
        Assert.Equal(target.Threads.Count, firstFrames.Count);
        for (int i = 0; i < target.Threads.Count; i++)
        {
            string expected = session.DescribeAddress(target.Threads[i].Context!.InstructionPointer)!;
            Assert.Equal(expected, firstFrames[i].Groups[1].Value);
        }
        // ~~[tid]s selects by thread id.
        var t3 = target.Threads[3];
        Run.Text(target, $"~~[{t3.ThreadId:x}]s", session);
        Assert.Equal(3, session.CurrentThreadIndex);
        Assert.Contains("Illegal thread error", Run.Text(target, "~~[0]s", session));
    }

    [SharedDataFact("kernel/triage_x64_19041.dmp")]
    public void StacksFiltersThreadsByFrameName()
    {
        using var target = TargetLoader.Open(TestData.Shared("kernel/triage_x64_19041.dmp"));
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        string k = Run.Text(target, "k 20", session);
        string hit = Run.Text(target, "!stacks 2 nt!KeBugCheckEx", session);
        Assert.Contains("shown: 1", hit);
        // Every frame `k` shows is in the !stacks listing, in order.
        var sites = Regex.Matches(k, @"^[0-9a-f]{8}`[0-9a-f]{8} [0-9a-f]{8}`[0-9a-f]{8}\s+(\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.True(sites.Count > 3);
        int at = 0;
        foreach (string site in sites) { at = hit.IndexOf(site, at, StringComparison.Ordinal); Assert.True(at >= 0, site); }
        Assert.Contains("shown: 0", Run.Text(target, "!stacks 2 no_such_function", session));
        using var user = TargetLoader.Open(DeepstackFixture.Dump("x64"));
        Assert.Contains("kernel-mode command", Run.Text(user, "!stacks"));
    }
}
