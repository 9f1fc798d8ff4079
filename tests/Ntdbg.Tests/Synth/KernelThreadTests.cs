using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// Kernel threads on the synthetic dumps, for every build × full/bitmap: `!process 0 7`,
/// `!thread addr`, `.thread addr` + `k` and `!stacks 2 filter` show exactly the threads the
/// scenario wrote — every field compared with the scenario's own objects (laid out with the ISF
/// table read independently of ntdbg), every stack with the chain of functions it built.
/// </summary>
public sealed class KernelThreadTests
{
    private sealed record Dump(KernelScenario Scenario, KernelDumpTarget Target, DebugSession Session, string Isf) : IDisposable
    {
        public void Dispose() => Target.Dispose();
        public IEnumerable<(SyntheticProcess Process, SyntheticThread Thread)> Threads =>
            Scenario.Processes.SelectMany(p => p.Threads.Select(t => (p, t)));
    }

    private static Dump Open(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"threads-{build}.dmp", scenario.Write(format)));
        return new Dump(scenario, target, new DebugSession(target, isf), isf);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ProcessZeroSevenShowsEveryThreadTheScenarioWrote(int build, KernelDumpBuilder.Layout format)
    {
        using var d = Open(build, format);
        var outcome = new CommandExecutor(d.Session).Execute("!process 0 7");
        Assert.Null(outcome.Error);
        var processes = ((CompositeResult)outcome.Result!).Outcomes.Select(o => o.Result).OfType<ProcessResult>().ToList();
        Assert.Equal(d.Scenario.Processes.Count, processes.Count);
        for (int i = 0; i < processes.Count; i++)
        {
            var expected = d.Scenario.Processes[i];
            var shown = processes[i].Threads!;
            Assert.Equal(expected.Threads.Select(t => t.Address), shown.Select(t => t.Thread.Address));
            for (int j = 0; j < shown.Count; j++) AssertThread(d, expected, expected.Threads[j], shown[j]);
        }
        // The kernel's other list (KPROCESS.ThreadListHead through KTHREAD.ThreadListEntry) and the count hold the same threads.
        var layout = d.Scenario.Layout;
        for (int i = 0; i < d.Scenario.Processes.Count; i++)
        {
            ulong eprocess = d.Scenario.ProcessObjectAddresses[i];
            var kthreads = KernelLists.Walk(d.Session, eprocess + layout.OffsetOf("_EPROCESS", "Pcb.ThreadListHead"), layout.OffsetOf("_KTHREAD", "ThreadListEntry"), 100, "kprocess", out string? problem);
            Assert.Null(problem);
            Assert.Equal(d.Scenario.Processes[i].Threads.Select(t => t.Address), kthreads);
            string dt = Run.Text(d.Target, $"dt nt!_EPROCESS {eprocess:x} ActiveThreads", d.Session);
            // dt prints zero as "0" (processes the thread scenario gives no threads: the second csrss, winlogon).
            int count = d.Scenario.Processes[i].Threads.Count;
            Assert.Matches(count == 0 ? @"ActiveThreads\s+: 0\b" : $@"ActiveThreads\s+: 0x{count:x}\b", dt);
        }
        string text = Run.Text(d.Target, "!process 0 7", d.Session);
        foreach (var (p, t) in d.Threads)
        {
            Assert.Contains($"        THREAD {t.Address:x16}  Cid {p.Pid:x4}.{t.Tid:x4}  Teb: {t.Teb:x16} Win32Thread: {t.Win32Thread:x16} {Status(t)}\n", text);
            foreach (var w in t.WaitObjects) Assert.Contains($"            {w.Address:x16}  {Description(w)}\n", text);
            foreach (var irp in t.Irps) Assert.Contains($"            {irp.Address:x16}: (0006,{irp.Size:x4}) Flags: {irp.Flags:x8}  Mdl: 00000000\n", text);
        }
        // 0x17 also sets the process context: the same threads.
        Assert.Equal(d.Threads.Count(), Regex.Matches(Run.Text(d.Target, "!process 0 17", d.Session), @"^        THREAD ", RegexOptions.Multiline).Count);
        // Flag 4 alone: one line per thread, no stacks.
        string brief = Run.Text(d.Target, "!process 0 4", d.Session);
        Assert.Equal(d.Threads.Count(), Regex.Matches(brief, @"^        THREAD ", RegexOptions.Multiline).Count);
        Assert.DoesNotContain("Child-SP", brief);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ThreadAddressAndDotThreadShowEachThreadAndItsStack(int build, KernelDumpBuilder.Layout format)
    {
        using var d = Open(build, format);
        var exec = new CommandExecutor(d.Session);
        foreach (var (p, t) in d.Threads)
        {
            var outcome = exec.Execute($"!thread {t.Address:x}");
            Assert.Null(outcome.Error);
            AssertThread(d, p, t, (KernelThreadResult)outcome.Result!);
            string text = Run.Text(d.Target, $"!thread {t.Address:x}", d.Session);
            Assert.StartsWith($"THREAD {t.Address:x16}  Cid {p.Pid:x4}.{t.Tid:x4}  Teb: {t.Teb:x16} Win32Thread: {t.Win32Thread:x16} {Status(t)}\n", text);
            Assert.Contains($"Stack Init {t.InitialStack:x16} Current {t.KernelStack:x16}\n", text);
            Assert.Contains($"Base {t.StackBase:x16} Limit {t.StackLimit:x16}\n", text);
            Assert.Contains($"Win32 Start Address nt!{t.Win32StartSymbol} (0x{t.Win32StartAddress:x16})\n", text);

            // .thread makes the thread's registers current: k walks its stack from the switch frame (or the CPU context).
            string switched = Run.Text(d.Target, $".thread /p {t.Address:x}; k", d.Session);
            Assert.Contains($"Implicit thread is now {t.Address >> 32:x8}`{t.Address & 0xffffffff:x8}", switched);
            Assert.Contains($"Implicit process is now {t.ProcessAddress >> 32:x8}`{t.ProcessAddress & 0xffffffff:x8}", switched);
            var frames = Regex.Matches(switched, @"^([0-9a-f]{8}`[0-9a-f]{8}) [0-9a-f]{8}`[0-9a-f]{8}\s+(\S+)\+0x[0-9a-f]+$", RegexOptions.Multiline);
            Assert.Equal(t.Stack.Select(f => "nt!" + f), frames.Select(m => m.Groups[2].Value));
            Assert.Equal(t.Rsp, ulong.Parse(frames[0].Groups[1].Value.Replace("`", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            // !process without an address now shows the implicit process; !thread alone the implicit thread.
            Assert.StartsWith($"PROCESS {t.ProcessAddress:x16}", Run.Text(d.Target, "!process", d.Session));
            Assert.StartsWith($"THREAD {t.Address:x16}", Run.Text(d.Target, "!thread", d.Session));
        }
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ThreadAloneIsTheRunningThreadWhoseStackHoldsTheDumpContext(int build, KernelDumpBuilder.Layout format)
    {
        using var d = Open(build, format);
        var running = d.Threads.Single(x => x.Thread.State == SyntheticThreadState.Running).Thread;
        Assert.Equal(d.Scenario.CurrentThreadAddress, running.Address);
        string text = Run.Text(d.Target, "!thread", d.Session);
        Assert.StartsWith($"THREAD {running.Address:x16}", text);
        Assert.Contains("RUNNING on processor 0", text);
        // An address the dump does not hold: WinDbg's "Unable to get thread contents", not a block of zeros.
        ulong nowhere = ThreadWriter.ThreadObjects + 0x0f00_0000;
        Assert.Contains("Unable to get thread contents", Run.Text(d.Target, $"!thread {nowhere:x}", d.Session));
        Assert.Contains("Unable to get thread contents", Run.Text(d.Target, $".thread {nowhere:x}", d.Session));
        var sites = Regex.Matches(text, @"^[0-9a-f]{8}`[0-9a-f]{8} [0-9a-f]{8}`[0-9a-f]{8}\s+(\S+)\+0x", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.Equal(running.Stack.Select(f => "nt!" + f), sites);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void StacksFilterKeepsTheThreadsWithAMatchingFrame(int build, KernelDumpBuilder.Layout format)
    {
        using var d = Open(build, format);
        foreach (string filter in new[] { "IopSynchronousServiceTail", "kedelayexecutionthread", "nt!KeBugCheckEx", "KiSwapContext", "no_such_function" })
        {
            string text = Run.Text(d.Target, $"!stacks 2 {filter}", d.Session);
            var expected = d.Threads.Where(x => x.Thread.Stack.Any(f => ("nt!" + f).Contains(filter, StringComparison.OrdinalIgnoreCase))).ToList();
            var rows = Regex.Matches(text, @"^ *([0-9a-f]+)\.([0-9a-f]{6})  ([0-9a-f]{16}) [0-9a-f]{8} (\S+) +(\S+)$", RegexOptions.Multiline);
            Assert.Equal(expected.Select(x => x.Thread.Address), rows.Select(m => Convert.ToUInt64(m.Groups[3].Value, 16)));
            Assert.Equal(expected.Select(x => (x.Process.Pid, x.Thread.Tid)), rows.Select(m => (Convert.ToUInt64(m.Groups[1].Value, 16), Convert.ToUInt64(m.Groups[2].Value, 16))));
            // The first frame is the top of the thread's stack; the state says how it stopped.
            Assert.Equal(expected.Select(x => "nt!" + x.Thread.Stack[0]), rows.Select(m => m.Groups[5].Value.Split('+')[0]));
            Assert.Equal(expected.Select(x => x.Thread.State switch { SyntheticThreadState.Waiting => "Blocked", SyntheticThreadState.Ready => "READY", _ => "RUNNING" }),
                rows.Select(m => m.Groups[4].Value));
            Assert.Contains($"Threads Processed: {d.Threads.Count()}", text);
            // Every process gets its header line, kept threads or not.
            // (processes the thread scenario gives no thread — the second csrss, winlogon — have no line)
            foreach (var (p, i) in d.Scenario.Processes.Select((p, i) => (p, i)).Where(x => x.p.Threads.Count > 0))
                Assert.Contains($"[{d.Scenario.ProcessObjectAddresses[i]:x16} {p.ImageName}]", text);
        }
    }

    [SharedDataFact("kernel/isf")]
    public void ABrokenThreadListEndsTheWalkWithTheReason()
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, 19041), 19041);
        scenario.Write(KernelDumpBuilder.Layout.Full);
        var lsass = scenario.Processes.Single(p => p.ImageName == "lsass.exe").Threads;
        var svchost = scenario.Processes.Single(p => p.ImageName == "svchost.exe").Threads;
        ulong entry = scenario.Layout.OffsetOf("_ETHREAD", "ThreadListEntry");
        // lsass: the last thread's Flink leads back to the first thread, not the head (a loop).
        scenario.Tables.WriteVirtualUInt64(lsass[^1].Address + entry, lsass[0].Address + entry);
        // svchost: the first thread's Flink leads into memory the dump does not hold.
        scenario.Tables.WriteVirtualUInt64(svchost[0].Address + entry, 0xffffc08b7f000000);
        var bytes = new KernelDumpBuilder
        {
            DirectoryTableBase = scenario.Tables.Cr3,
            PsLoadedModuleList = scenario.PsLoadedModuleList,
            PsActiveProcessHead = scenario.PsActiveProcessHead,
            KdDebuggerDataBlock = scenario.KdDebuggerDataBlock,
            MinorVersion = 19041,
            BugCheckCode = 0xe2,
            BugCheckParameters = [0, 0, 0, 0],
            Context = scenario.BugCheckContext,
        }.Build(scenario.Memory);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes("broken-threads.dmp", bytes));
        var session = new DebugSession(target, isf);

        string looped = Run.Text(target, "!process 0 4 lsass.exe", session);
        Assert.Equal(lsass.Count, Regex.Matches(looped, "^        THREAD ", RegexOptions.Multiline).Count);
        Assert.Contains("loops or runs past", looped);
        string broken = Run.Text(target, "!process 0 4 svchost.exe", session);
        Assert.Single(Regex.Matches(broken, "^        THREAD ", RegexOptions.Multiline));
        Assert.Contains("is broken at", broken);
        // !stacks walks on past both and says why.
        string stacks = Run.Text(target, "!stacks 0", session);
        Assert.Contains($"Threads Processed: {scenario.Processes.Sum(p => p.Threads.Count) - svchost.Count + 1}", stacks);
        Assert.Contains("loops or runs past", stacks);
    }

    private static void AssertThread(Dump d, SyntheticProcess p, SyntheticThread t, KernelThreadResult r)
    {
        var k = r.Thread;
        Assert.Equal(t.Address, k.Address);
        Assert.Equal(p.Pid, k.ProcessId);
        Assert.Equal(t.Tid, k.ThreadId);
        Assert.Equal(t.Teb, k.Teb);
        Assert.Equal(t.Win32Thread, k.Win32Thread);
        Assert.Equal((ulong)t.State, k.State);
        Assert.Equal(t.State.ToString(), k.StateName);
        Assert.Equal(t.WaitReason, k.WaitReason);
        Assert.Equal(t.WaitMode, k.WaitMode);
        Assert.Equal(t.Alertable, k.Alertable);
        Assert.Equal(t.ProcessAddress, k.OwningProcess);
        Assert.Equal(p.ImageName, k.OwningImage);
        Assert.Null(k.AttachedProcess);
        Assert.Equal(t.WaitTime, k.WaitTime);
        Assert.Equal(ThreadWriter.TickCount, k.TickCount);
        Assert.Equal(ThreadWriter.ClockIncrement, k.ClockIncrement);
        Assert.Equal(t.ContextSwitches, k.ContextSwitches);
        Assert.Equal(t.UserTime, k.UserTime);
        Assert.Equal(t.KernelTime, k.KernelTime);
        Assert.Equal(t.StartAddress, k.StartAddress);
        Assert.Equal(t.Win32StartAddress, k.Win32StartAddress);
        Assert.Equal((long)t.Priority, k.Priority);
        Assert.Equal((long)t.BasePriority, k.BasePriority);
        Assert.Equal(t.InitialStack, k.InitialStack);
        Assert.Equal(t.KernelStack, k.KernelStack);
        Assert.Equal(t.StackBase, k.StackBase);
        Assert.Equal(t.StackLimit, k.StackLimit);
        Assert.False(k.Impersonating);
        // Only a waiting thread's wait blocks are shown.
        var waits = t.State == SyntheticThreadState.Waiting ? t.WaitObjects : [];
        Assert.Equal(waits.Select(w => (w.Address, Description(w))), k.WaitObjects.Select(w => (w.Address, w.Description)));
        Assert.Equal(t.Irps.Select(i => (i.Address, (ulong)i.Size, (ulong)i.Flags, i.DeviceObject, i.DriverObject, DriverName(i.Driver))),
            k.Irps.Select(i => (i.Address, i.Size!.Value, i.Flags!.Value, i.DeviceObject!.Value, i.DriverObject!.Value, i.DriverName!)));
        Assert.All(k.Irps, i => Assert.Equal(6UL, i.Type));
        if ((r.Flags & 0x6) == 0x6)
        {
            Assert.NotNull(r.Stack);
            Assert.Equal(t.Stack.Select(f => "nt!" + f), r.Stack!.Lines.Select(l => l.CallSite.Split('+')[0]));
            Assert.Equal(t.Rsp, r.Stack.Lines[0].Frame.StackPointer);
            Assert.Equal(t.Rip, r.Stack.Lines[0].Frame.InstructionPointer);
        }
    }

    private static string DriverName(string file) =>
        (file.Equals("Ntfs.sys", StringComparison.OrdinalIgnoreCase) ? @"\FileSystem\" : @"\Driver\") + Path.GetFileNameWithoutExtension(file);

    // What the scenario says the first line ends with, in WinDbg's words.
    private static string Status(SyntheticThread t) => t.State switch
    {
        SyntheticThreadState.Waiting => $"WAIT: ({t.WaitReason}) {(t.WaitMode == 0 ? "KernelMode" : "UserMode")} {(t.Alertable ? "Alertable" : "Non-Alertable")}",
        SyntheticThreadState.Running => "RUNNING on processor 0",
        SyntheticThreadState.Ready => "READY on processor 0",
        _ => throw new InvalidOperationException(t.State.ToString()),
    };

    private static string Description(SyntheticWaitObject w) => w.Kind switch
    {
        SyntheticWaitKind.Mutant => $"Mutant - owning thread {w.Owner!.Address:x}",
        SyntheticWaitKind.Semaphore => $"Semaphore Limit 0x{w.SemaphoreLimit:x}",
        _ => w.Kind.ToString(),
    };
}
