using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Types;

/// <summary>`dt` with an address on the real triage dump, the 19041 table found through -y.</summary>
public sealed class DtValueTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";

    private static (ITarget Target, DebugSession Session) Open()
    {
        var target = TargetLoader.Open(TestData.Shared(DumpPath));
        return (target, new DebugSession(target, TestData.Shared("kernel/isf")));
    }

    [SharedDataFact(DumpPath)]
    public void TheFaultingThreadPointsAtTheDumpsProcessAndItsEmptyApcListAtItself()
    {
        var (target, session) = Open();
        using var _ = target;
        var thread = target.Threads[target.CurrentThreadIndex];
        Assert.NotEqual(0ul, thread.ThreadObject);
        string text = Run.Text(target, $"dt nt!_KTHREAD {thread.ThreadObject:x} ApcState. Process", session);

        // The thread's process, as the dump's processor block records it (no ISF involved).
        string process = $"0x{thread.ProcessObject >> 32:x8}`{thread.ProcessObject & 0xffffffff:x8} _KPROCESS";
        Assert.Matches(new Regex(@"^   \+0x[0-9a-f]{3} Process\s+: " + Regex.Escape(process) + "$", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^      \+0x020 Process\s+: " + Regex.Escape(process) + "$", RegexOptions.Multiline), text);

        // ApcListHead[0] of a thread with no APCs queued points back at itself: Flink = Blink = its own address.
        var apc = Regex.Match(text, @"^   \+0x([0-9a-f]{3}) ApcState\s+:$", RegexOptions.Multiline);
        Assert.True(apc.Success, text);
        ulong head = thread.ThreadObject + Convert.ToUInt64(apc.Groups[1].Value, 16);
        string self = $"0x{head >> 32:x8}`{head & 0xffffffff:x8}";
        Assert.Contains($"ApcListHead   : [2] _LIST_ENTRY", text);
        // The first element's links through the raw memory agree with that.
        string links = Run.Text(target, $"dt nt!_LIST_ENTRY {head:x}", session);
        Assert.Contains($"+0x000 Flink            : {self} _LIST_ENTRY", links);
        Assert.Contains($"+0x008 Blink            : {self} _LIST_ENTRY", links);
    }

    [SharedDataFact(DumpPath)]
    public void UnreadableMemoryShowsQuestionMarksAndSaysWhere()
    {
        var (target, session) = Open();
        using var _ = target;
        string text = Run.Text(target, "dt nt!_LIST_ENTRY 10000", session);
        Assert.Contains("Flink            : ??", text);
        Assert.Matches(new Regex(@"Memory read error 00000000`00010000: .+"), text);
        Assert.DoesNotContain("(null)", text);
    }

    [SharedDataFact(DumpPath)]
    public void AddressFirstFormPrefixFiltersWildcardsAndRecursion()
    {
        var (target, session) = Open();
        using var _ = target;
        ulong t = target.Threads[target.CurrentThreadIndex].ThreadObject;
        Assert.Equal(Run.Text(target, $"dt nt!_KTHREAD {t:x} Process", session), Run.Text(target, $"dt {t:x} nt!_KTHREAD Process", session));
        Assert.Contains("nt!_KTHREAD\n", Run.Text(target, "dt nt!_KTH*", session).Replace("\r", "").Replace("          ", "") + "\n");
        string r = Run.Text(target, "dt -r1 nt!_ERESOURCE OwnerEntry", session);
        Assert.Matches(new Regex(@"^   \+0x030 OwnerEntry\s+: _OWNER_ENTRY\r?\n      \+0x000 OwnerThread\s+: Uint8B", RegexOptions.Multiline), r);
        Assert.StartsWith("Symbol nt!_NOPE not found.", Run.Text(target, "dt nt!_NOPE", session));
    }
}
