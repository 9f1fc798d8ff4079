using System.Buffers.Binary;
using System.Text;
using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Text;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// `k` on real Windows user dumps against other tools' expected output shipped with them:
/// lldb's FileCheck test of sigsegv.dmp (and the program's source for its callers), Sentry
/// symbolic's snapshot of windows.dmp (every thread), and breakpad's minidump_stackwalk of
/// minidump2.dmp with its .sym files; then every breakpad dump through `~*k`.
/// </summary>
public sealed class UserDumpStackAcceptanceTests
{
    /// <summary>A `k` frame as ntdbg prints it: instruction pointer (frame 0: the context's; else the
    /// previous frame's return address), return address, and the call site split into module,
    /// function (null without a symbol) and offset.</summary>
    private sealed record Frame(ulong Pc, ulong ReturnAddress, string Module, string? Function, ulong Offset, string Site);

    private static (List<Frame> Frames, string Text) Stack(DebugSession session, string commands)
    {
        var outcomes = new CommandExecutor(session).ExecuteLine(commands).ToList();
        var text = new StringWriter();
        foreach (var o in outcomes) TextRendering.Default.Render(o, text);
        Assert.True(outcomes.All(o => !o.Failed), $"{commands} failed:\n{text}");
        var k = outcomes.Select(o => o.Result).OfType<StackResult>().Single();
        return (k.Lines.Select(l => Parse(l)).ToList(), text.ToString());
    }

    private static Frame Parse(StackLine line)
    {
        string site = line.CallSite.Split(" (", 2)[0]; // drop "(found by stack scan)" and the like
        int bang = site.IndexOf('!', StringComparison.Ordinal);
        int plus = site.LastIndexOf("+0x", StringComparison.Ordinal);
        ulong offset = plus >= 0 ? Convert.ToUInt64(site[(plus + 3)..], 16) : 0;
        string head = plus >= 0 ? site[..plus] : site;
        return new Frame(line.Frame.InstructionPointer, line.Frame.ReturnAddress,
            bang >= 0 ? head[..bang] : head, bang >= 0 ? head[(bang + 1)..] : null, offset, line.CallSite);
    }

    private static string ModuleName(string file) => Path.GetFileNameWithoutExtension(file.Split('\\', '/')[^1]);

    /// <summary>lldb/sigsegv.dmp (x64, PDB but no exe): frame 0 is where sigsegv.test's FileCheck lines say,
    /// and the frames above it are the source's callers of crash() in turn (foo, main, mainCRTStartup).</summary>
    [SharedDataFact("user/lldb/sigsegv.dmp")]
    public void Sigsegv_FrameZeroIsLldbsAndCallersFollowTheSource()
    {
        string dir = TestData.Shared("user/lldb");
        var (address, moduleFile) = UserDumpOracles.LldbFrameZero(Path.Combine(dir, "sigsegv.test"));
        var graph = UserDumpOracles.CallGraph(File.ReadAllText(Path.Combine(dir, "sigsegv.cpp")));
        var chain = new List<string> { "crash" };
        while (UserDumpOracles.CallersOf(graph, chain[^1]) is [string caller] && !chain.Contains(caller)) chain.Add(caller);
        Assert.True(chain.Count >= 2, $"sigsegv.cpp: no single caller of crash() ({string.Join(", ", graph.Keys)})");

        using var target = TargetLoader.Open(Path.Combine(dir, "sigsegv.dmp"));
        var (frames, k) = Stack(new DebugSession(target, dir), ".ecxr; kn");
        Assert.True(frames.Count >= chain.Count, k);
        Assert.True(frames[0].Pc == address && frames[0].Module == ModuleName(moduleFile),
            $"frame 0: lldb says 0x{address:x} in {moduleFile}, ntdbg {frames[0].Site} at 0x{frames[0].Pc:x}\n{k}");
        for (int i = 0; i < chain.Count; i++)
            Assert.True(frames[i].Module == ModuleName(moduleFile) && frames[i].Function == chain[i],
                $"frame {i}: the source's chain is {string.Join(" <- ", chain)}, ntdbg prints {frames[i].Site}\n{k}");
    }

    /// <summary>
    /// sentry/windows.dmp (x86): each thread of symbolic's snapshot, `~Ns; kn` (the requesting
    /// thread from its exception context, as symbolic walks it): frame for frame the snapshot's
    /// addresses and function names. symbolic reports a symbolicated caller frame at its return
    /// address minus one: checked here against crash.exe (the byte before ntdbg's return address
    /// ends a call to the frame below's function) and accepted only there.
    /// </summary>
    [SharedDataFact("user/sentry/windows.dmp")]
    public void Sentry_EveryThreadMatchesSymbolicsSnapshot()
    {
        string dir = TestData.Shared("user/sentry");
        var snap = UserDumpOracles.SnapThreads(File.ReadAllText(Path.Combine(dir, "minidump_windows.snap")));
        Assert.True(snap.Count >= 2 && snap.All(t => t.Frames.Count > 0), $"the snapshot has {snap.Count} threads");
        ulong exceptionAddress;
        using (var dump = new FixtureDump(Path.Combine(dir, "windows.dmp")))
            exceptionAddress = dump.Exception().Address;
        ulong crashBase = CrashExeBase(File.ReadAllText(Path.Combine(dir, "minidump_windows.snap")));

        using var target = TargetLoader.Open(Path.Combine(dir, "windows.dmp"));
        var session = new DebugSession(target, dir);
        var rows = new CommandExecutor(session).ExecuteLine("~").Select(o => o.Result).OfType<ThreadListResult>().Single().Threads;
        int symbolicatedCallers = 0;
        foreach (var thread in snap)
        {
            var row = rows.SingleOrDefault(r => r.ThreadId == thread.ThreadId);
            Assert.True(row != null, $"thread {thread.ThreadId:x} is not in ~");
            if (thread.IsRequesting) Assert.Equal(exceptionAddress, thread.Eip); // symbolic used the exception context
            var (frames, k) = Stack(session, $"~{row.Index}s; {(thread.IsRequesting ? ".ecxr; " : "")}kn");
            Assert.True(frames.Count >= thread.Frames.Count, $"thread {thread.ThreadId}: ntdbg has {frames.Count} frames, symbolic {thread.Frames.Count}:\n{k}");
            for (int i = 0; i < thread.Frames.Count; i++)
            {
                var want = thread.Frames[i];
                var got = frames[i];
                ulong expected = got.Pc;
                if (i > 0 && want.Status == "symbolicated")
                {
                    expected = got.Pc - 1;
                    Assert.True(thread.Frames[i - 1].SymbolAddress is ulong callee
                        && CallTarget(Path.Combine(dir, "crash.exe"), crashBase, got.Pc) == callee,
                        $"thread {thread.ThreadId} frame {i}: the instruction before 0x{got.Pc:x} is no call to the frame below's function");
                    symbolicatedCallers++;
                }
                Assert.True(want.InstructionAddress == expected,
                    $"thread {thread.ThreadId} frame {i}: symbolic 0x{want.InstructionAddress:x} ({want.Status}), ntdbg 0x{got.Pc:x} {got.Site}\n{k}");
                if (want.Function != null)
                    Assert.True(got.Function == want.Function, $"thread {thread.ThreadId} frame {i}: symbolic {want.Function}, ntdbg {got.Site}\n{k}");
            }
        }
        Assert.True(symbolicatedCallers > 0, "no symbolicated caller frame exercised the minus-one rule");
    }

    // The snapshot's crash.exe module: "code_file: ...crash.exe" then "image_addr".
    private static ulong CrashExeBase(string snap)
    {
        var m = System.Text.RegularExpressions.Regex.Match(snap, @"code_file: ""[^""]*\\crash\.exe""(?:\n(?!  -).*)*?\n\s+image_addr: ""0x([0-9a-f]+)""");
        Assert.True(m.Success, "the snapshot lists no crash.exe with an image_addr");
        return Convert.ToUInt64(m.Groups[1].Value, 16);
    }

    // The target of a 5-byte `call rel32` (E8) that ends right before returnAddress, from the PE file.
    private static ulong? CallTarget(string exe, ulong imageBase, ulong returnAddress)
    {
        byte[] b = UserDumpOracles.ImageBytes(exe, imageBase, returnAddress - 5, 5);
        return b[0] == 0xE8 ? (ulong)((long)returnAddress + BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(1))) & 0xFFFFFFFF : null;
    }

    /// <summary>breakpad/minidump2.dmp (x86 XP) with breakpad .sym files: `.ecxr; kn` is
    /// minidump_stackwalk's crashed thread frame for frame (eip, module, function), and the offset
    /// ntdbg prints is eip minus the covering FUNC (else PUBLIC) start in the module's .sym file.</summary>
    [SharedDataFact("user/breakpad/minidump2.dmp")]
    public void Minidump2_MatchesMinidumpStackwalk()
    {
        string dir = TestData.Shared("user/breakpad");
        string symbols = Path.Combine(dir, "symbols");
        string stackwalk = File.ReadAllText(Path.Combine(dir, "minidump2.stackwalk.out"));
        var want = UserDumpOracles.StackwalkCrashedThread(stackwalk);
        var bases = UserDumpOracles.StackwalkModules(stackwalk);
        Assert.True(want.Count >= 3, $"minidump_stackwalk's crashed thread has {want.Count} frames");

        using var target = TargetLoader.Open(Path.Combine(dir, "minidump2.dmp"));
        var (frames, k) = Stack(new DebugSession(target, symbols), ".ecxr; kn");
        Assert.True(frames.Count >= want.Count, $"ntdbg has {frames.Count} frames, minidump_stackwalk {want.Count}:\n{k}");
        for (int i = 0; i < want.Count; i++)
        {
            var w = want[i];
            var got = frames[i];
            Assert.True(got.Pc == w.Eip, $"frame {i}: minidump_stackwalk eip 0x{w.Eip:x}, ntdbg 0x{got.Pc:x} {got.Site}\n{k}");
            Assert.True(got.Module == ModuleName(w.Module) && got.Function == w.Function,
                $"frame {i}: minidump_stackwalk {w.Module}!{w.Function}, ntdbg {got.Site}\n{k}");
            if (w.Function == null) continue;
            string? sym = UserDumpOracles.SymFileFor(symbols, w.Module);
            Assert.True(sym != null, $"frame {i}: no .sym file for {w.Module} under {symbols}");
            Assert.True(bases.TryGetValue(w.Module, out ulong moduleBase), $"frame {i}: minidump_stackwalk lists no {w.Module}");
            var covering = UserDumpOracles.SymCovering(sym, w.Eip - moduleBase);
            Assert.True(covering is { } c && c.Name == w.Function && got.Offset == w.Eip - moduleBase - c.Start,
                $"frame {i}: {Path.GetFileName(sym)} puts 0x{w.Eip:x} at {covering?.Name}+0x{w.Eip - moduleBase - (covering?.Start ?? 0):x}, ntdbg prints {got.Site}\n{k}");
        }
    }

    /// <summary>minidump2.dmp's thread 0 sits in breakpad's handler, called from kernel32's
    /// UnhandledExceptionFilter: every return address up to that frame lies in a module of
    /// minidump_stackwalk's list. WriteMinidumpOnHandlerThread has only a "STACK WIN 0" record
    /// that counts none of its pushes; taking the slot it names blindly returned into the stack.</summary>
    [SharedDataFact("user/breakpad/minidump2.dmp")]
    public void Minidump2_HandlerThreadReturnsIntoModulesUpToTheFilter()
    {
        string dir = TestData.Shared("user/breakpad");
        var ranges = File.ReadAllText(Path.Combine(dir, "minidump2.stackwalk.out")).Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^0x([0-9a-f]+) - 0x([0-9a-f]+)  \S+")).Where(m => m.Success)
            .Select(m => (Start: Convert.ToUInt64(m.Groups[1].Value, 16), End: Convert.ToUInt64(m.Groups[2].Value, 16))).ToList();
        Assert.True(ranges.Count > 5, $"{ranges.Count} modules in minidump2.stackwalk.out");

        using var target = TargetLoader.Open(Path.Combine(dir, "minidump2.dmp"));
        var (frames, k) = Stack(new DebugSession(target, Path.Combine(dir, "symbols")), "~0s; kn");
        int filter = frames.FindIndex(f => f.Module == "kernel32" && f.Function == "UnhandledExceptionFilter");
        Assert.True(filter > 0, $"no kernel32!UnhandledExceptionFilter frame:\n{k}");
        for (int i = 0; i <= filter; i++)
            Assert.True(ranges.Any(r => frames[i].ReturnAddress >= r.Start && frames[i].ReturnAddress <= r.End),
                $"frame {i} ({frames[i].Site}) returns to 0x{frames[i].ReturnAddress:x}, in no module:\n{k}");
    }

    /// <summary>Every breakpad user dump through `~*k`: no command fails, every thread gets a
    /// stack, and each stack's first frame is the thread's own context's instruction pointer (read
    /// from the ThreadList with the fixture reader).</summary>
    [SharedDataFact("user/breakpad")]
    public void EveryBreakpadDump_AllThreadStacksStartAtTheirContext()
    {
        string dir = TestData.Shared("user/breakpad");
        var dumps = Directory.GetFiles(dir, "*.dmp").Order(StringComparer.Ordinal).ToList();
        Assert.True(dumps.Count >= 3, $"{dumps.Count} dumps in {dir}");
        var problems = new StringBuilder();
        int threadsChecked = 0;
        foreach (string path in dumps)
        {
            Dictionary<uint, ulong> ips;
            using (var dump = new FixtureDump(path)) ips = dump.ThreadInstructionPointers();
            using var target = TargetLoader.Open(path);
            var session = new DebugSession(target, Path.Combine(dir, "symbols"));
            var outcomes = new CommandExecutor(session).ExecuteLine("~*k").ToList();
            var text = new StringWriter();
            foreach (var o in outcomes) TextRendering.Default.Render(o, text);
            var perThread = outcomes.Select(o => o.Result).OfType<CompositeResult>().Single().Outcomes;
            uint? thread = null;
            var seen = new HashSet<uint>();
            foreach (var o in perThread)
            {
                if (o.Failed) problems.AppendLine($"{Path.GetFileName(path)} thread {thread:x}: {o.Command} failed: {o.Error}");
                if (o.Result is ThreadListResult list) thread = list.Threads.Single().ThreadId;
                else if (o.Result is StackResult k && thread is uint id)
                {
                    seen.Add(id);
                    threadsChecked++;
                    if (k.Lines.Count == 0) problems.AppendLine($"{Path.GetFileName(path)} thread {id:x}: no frames");
                    else if (k.Lines[0].Frame.InstructionPointer != ips[id])
                        problems.AppendLine($"{Path.GetFileName(path)} thread {id:x}: frame 0 at 0x{k.Lines[0].Frame.InstructionPointer:x}, the context's ip is 0x{ips[id]:x}");
                }
            }
            foreach (uint missing in ips.Keys.Except(seen)) problems.AppendLine($"{Path.GetFileName(path)} thread {missing:x}: no stack in ~*k\n{text}");
        }
        Assert.True(problems.Length == 0, problems.ToString());
        Assert.True(threadsChecked >= dumps.Count, $"{threadsChecked} threads checked");
    }
}
