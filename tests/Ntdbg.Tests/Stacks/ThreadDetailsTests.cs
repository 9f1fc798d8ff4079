using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// `!thread`. User dumps: the TEB's fields against winedump's view of the same dump (thread id,
/// TEB address, the stack memory captured up to the stack base) and the fixture reader's own read
/// of the TEB memory and thread names; the stack is the thread's `kn`. Kernel: the triage dump's
/// bugcheck thread, its stack bounds around every frame rizin walked and its initial stack where
/// rizin's walk ended.
/// </summary>
public sealed class ThreadDetailsTests
{
    private static readonly Regex Header = new(@"^THREAD (\d+)  Id: ([0-9a-f]+)\.([0-9a-f]+)  Teb: ([0-9a-f`]+)(?:  ""(.*)"")?", RegexOptions.Multiline);
    private static readonly Regex ClientId = new(@"Client Id \(TEB\)\s+([0-9a-f]+)\.([0-9a-f]+)");
    private static readonly Regex Bounds = new(@"Base ([0-9a-f`?]+) Limit ([0-9a-f`?]+)");
    private static readonly Regex LastError = new(@"LastErrorValue\s+0n(\d+)");
    private static readonly Regex WinedumpThread = new(@"^Thread: #(\d+)\s+ThreadId: (\d+)\s+SuspendCount: \d+\s+PriorityClass: \d+\s+Priority: \d+\s+Teb: 0x([0-9a-f]+)\s+Stack: 0x([0-9a-f]+)-0x([0-9a-f]+)", RegexOptions.Multiline);

    private static ulong Hex(string s) => ulong.Parse(s.Replace("`", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    private static string[] KLines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => Regex.IsMatch(l, "^[0-9a-f]{2} ")).ToArray();

    [FixtureToolTheory("winedump"), MemberData(nameof(Arches))]
    public void UserThreadsTebFieldsMatchWinedumpAndTheFixtureReader(string arch)
    {
        string path = FixtureFiles.PrivateDump($"deadlock-{arch}");
        string winedump = Tools.Run("winedump", "dump", path);
        var threads = WinedumpThread.Matches(winedump).ToList();
        uint pid = uint.Parse(Regex.Match(winedump, @"ProcessId: (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(threads.Count >= 3, winedump[..Math.Min(2000, winedump.Length)]);
        Dictionary<uint, string> names;
        var lastErrors = new Dictionary<ulong, uint>();
        using (var dump = new FixtureDump(path))
        {
            names = dump.ThreadNames();
            foreach (var w in threads)
            {
                ulong teb = Hex(w.Groups[3].Value);
                lastErrors[teb] = BinaryPrimitives.ReadUInt32LittleEndian(dump.ReadMemory64(teb + (arch == "x64" ? 0x68UL : 0x34UL), 4));
            }
        }

        using var target = TargetLoader.Open(path);
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        foreach (var w in threads)
        {
            int index = int.Parse(w.Groups[1].Value, CultureInfo.InvariantCulture);
            uint tid = uint.Parse(w.Groups[2].Value, CultureInfo.InvariantCulture);
            ulong teb = Hex(w.Groups[3].Value), stackStart = Hex(w.Groups[4].Value), stackEnd = Hex(w.Groups[5].Value);
            string text = Run.Text(target, $"~{index}s; !thread", session);
            text = text[text.IndexOf("THREAD", StringComparison.Ordinal)..];
            var h = Header.Match(text);
            Assert.True(h.Success, text);
            Assert.Equal(((ulong)pid, (ulong)tid, teb), (Hex(h.Groups[2].Value), Hex(h.Groups[3].Value), Hex(h.Groups[4].Value)));
            Assert.Equal(names[tid], h.Groups[5].Value);
            var c = ClientId.Match(text);
            Assert.Equal((pid, tid), ((uint)Hex(c.Groups[1].Value), (uint)Hex(c.Groups[2].Value)));
            var bounds = Bounds.Match(text);
            ulong stackBase = Hex(bounds.Groups[1].Value), stackLimit = Hex(bounds.Groups[2].Value);
            Assert.True(stackLimit < stackBase, text);
            if (stackEnd > stackStart)
            {
                // The dump writer captures the stack from the stack pointer up to NT_TIB.StackBase.
                Assert.Equal(stackEnd, stackBase);
                Assert.True(stackLimit <= stackStart, text);
            }
            Assert.Equal(lastErrors[teb], uint.Parse(LastError.Match(text).Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.Equal(KLines(Run.Text(target, "kn 0n256", session)), KLines(text));
        }
    }

    [SharedDataFact("user/lldb/sigsegv.dmp")]
    public void RealWindowsTebGivesTheStackTheDumpCaptured()
    {
        string path = TestData.Shared("user/lldb/sigsegv.dmp");
        using var target = TargetLoader.Open(path);
        var session = new DebugSession(target, TestData.Shared("user/lldb"));
        string text = Run.Text(target, "!thread", session);
        var t = target.Threads[0];
        var bounds = Bounds.Match(text);
        Assert.True(bounds.Success, text);
        // The MINIDUMP_THREAD's stack memory runs from the stack pointer to NT_TIB.StackBase.
        Assert.Equal(t.StackStart + t.StackSize, Hex(bounds.Groups[1].Value));
        Assert.True(Hex(bounds.Groups[2].Value) <= t.StackStart);
        var c = ClientId.Match(text);
        Assert.Equal(((ulong)((IUserTarget)target).ProcessId, (ulong)t.ThreadId), (Hex(c.Groups[1].Value), Hex(c.Groups[2].Value)));
        Assert.Equal(KLines(Run.Text(target, "kn 0n256", session)), KLines(text));
        Assert.NotEmpty(KLines(text));
    }

    [Fact]
    public void MissingTebMemoryLeavesItsFieldsUnknownAndSaysWhy()
    {
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string text = Run.Text(target, "!thread", session);
        Assert.Contains("\"ntdbg-main\"", text);
        Assert.Contains("TEB fields missing from the dump", text);
        Assert.Contains("Client Id (TEB)           ????.????", text);
        Assert.Contains("LastErrorValue            ?", text);
        Assert.NotEmpty(KLines(text));
    }

    [SharedDataFact("kernel/triage_x64_19041.dmp")]
    public void KernelBugcheckThreadShowsItsKthreadAndStack()
    {
        string rizin = File.ReadAllText(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        int section = rizin.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        var sps = Regex.Matches(rizin[section..], @"^(\d+)\s+0x([0-9a-f]+)\s+sp: 0x([0-9a-f]+)", RegexOptions.Multiline)
            .Select(m => (N: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Ip: Hex(m.Groups[2].Value), Sp: Hex(m.Groups[3].Value)))
            .Take(37).ToList();
        Assert.Equal(Enumerable.Range(0, 37), sps.Select(f => f.N));

        using var target = TargetLoader.Open(TestData.Shared("kernel/triage_x64_19041.dmp"));
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        var thread = target.Threads[0];
        string text = Run.Text(target, "!thread", session);
        var head = Regex.Match(text, @"^THREAD ([0-9a-f]+)  Cid ([0-9a-f]+)\.([0-9a-f]+)  Teb: ([0-9a-f`]+)", RegexOptions.Multiline);
        Assert.True(head.Success, text);
        Assert.Equal(thread.ThreadObject, Hex(head.Groups[1].Value));
        // The Cid's process is the owning process's id (read from its EPROCESS, a different structure).
        string eprocess = Run.Text(target, $"dt nt!_EPROCESS {thread.ProcessObject:x} UniqueProcessId", session);
        Assert.Equal(Hex(Regex.Match(eprocess, @"UniqueProcessId\s+:\s+0x([0-9a-f`]+)").Groups[1].Value), Hex(head.Groups[2].Value));
        Assert.Equal(0UL, Hex(head.Groups[4].Value)); // a system worker thread has no TEB
        Assert.Contains($"Owning Process            {thread.ProcessObject >> 32:x8}`{thread.ProcessObject & 0xffffffff:x8}", text);

        var b = Regex.Match(text, @"Base ([0-9a-f`]+) Limit ([0-9a-f`]+) Initial ([0-9a-f`]+)");
        ulong stackBase = Hex(b.Groups[1].Value), limit = Hex(b.Groups[2].Value), initial = Hex(b.Groups[3].Value);
        Assert.All(sps, f => Assert.InRange(f.Sp, limit, stackBase - 1));
        Assert.Equal(sps[^1].Sp, initial); // rizin's walk ends where the thread's stack began
        var first = KLines(text)[0];
        Assert.StartsWith($"00 {sps[0].Sp >> 32:x8}`{sps[0].Sp & 0xffffffff:x8} ", first);
        Assert.Contains("nt!KeBugCheckEx", first);

        Assert.Contains(ThreadDetailsCommand.NeedsModel, Run.Text(target, "!thread 1234", session));
    }
}
