using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// ntdbg's `kn` on the deepstack fixture (fixtures/src/deepstack.c: 14 frames of different shapes
/// down to a frameless -O2 leaf that faults, threads parked in known chains, the dump written
/// while the crashing thread sits in its unhandled-exception filter) against two independent
/// sources: the call chains the program recorded of itself (user stream 'NTDB': every function's
/// return address and return-address slot, taken with __builtin_return_address and
/// _AddressOfReturnAddress) and winedbg's backtrace of the same dump (committed beside it).
/// x86: fails until the x86 walker lands (`k` says "only x64 stacks are walked so far").
/// </summary>
public sealed class WineStackTests
{
    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    public static readonly TheoryData<string, string> ArchesAndThreads = Threads();

    private static TheoryData<string, string> Threads()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in new[] { "x64", "x86" })
            foreach (var thread in new[] { "ntdbg-main", "ntdbg-waiter", "ntdbg-spinner", "ntdbg-sleeper" })
                data.Add(arch, thread);
        return data;
    }

    private static int PointerSize(string arch) => arch == "x64" ? 8 : 4;

    /// <summary>`.ecxr; kn`: the exception context's frames are exactly the crash chain the program
    /// recorded, in order (names and return addresses), starting at frame 0; on x64 each caller's
    /// Child-SP is the recorded return-address slot plus 8 (the stack pointer after `ret`).</summary>
    [Theory, MemberData(nameof(Arches))]
    public void ExceptionContext_FramesAreTheRecordedCrashChain(string arch)
    {
        var crash = DeepstackFixture.Chains(arch).Single(c => c.FromExceptionContext).Frames;
        Assert.Equal(14, crash.Count); // main, deep_01 .. deep_12 with deep_07 twice
        Assert.Equal("deep_12_leaf_crash", crash[0].Name);
        Assert.Equal("main", crash[^1].Name);

        using var target = TargetLoader.Open(DeepstackFixture.Dump(arch));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string k = Run.Text(target, ".ecxr; kn 40", session);
        var frames = DeepstackFixture.ParseK(k);
        Assert.True(frames.Count >= crash.Count, $"ntdbg found {frames.Count} frames, the program recorded {crash.Count}:\n{k}");
        for (int i = 0; i < crash.Count; i++)
        {
            Assert.True(frames[i].Function == crash[i].Name && frames[i].Module == DeepstackFixture.ExeModule(arch),
                $"frame {i}: ntdbg says {frames[i].Line}, the program recorded {crash[i].Name}\n{k}");
            Assert.True(frames[i].ReturnAddress == crash[i].ReturnAddress,
                $"frame {i} ({crash[i].Name}): ntdbg's return address {frames[i].ReturnAddress:x}, recorded {crash[i].ReturnAddress:x}\n{k}");
            if (arch == "x64" && i + 1 < frames.Count)
                Assert.True(frames[i + 1].Stack == crash[i].ReturnSlot + 8,
                    $"frame {i + 1}: Child-SP {frames[i + 1].Stack:x}, but {crash[i].Name}'s return address was at {crash[i].ReturnSlot:x}\n{k}");
        }
    }

    /// <summary>`~Ns; kn` per thread, from its own ThreadList context: the program's recorded runs of
    /// frames appear contiguously and in order. ntdbg-main sits in the filter under Wine's
    /// exception-dispatch frames, so its view is the handler chain, Wine's frames, then the crash
    /// chain; the spinner's innermost frame is a frameless leaf.</summary>
    [WineDllsTheory, MemberData(nameof(ArchesAndThreads))]
    public void ThreadContext_OwnFramesAreTheRecordedChains(string arch, string threadName)
    {
        var chains = DeepstackFixture.Chains(arch);
        uint threadId;
        using (var dump = new FixtureDump(DeepstackFixture.Dump(arch)))
            threadId = dump.ThreadNames().Single(t => t.Value == threadName).Key;
        var runs = DeepstackFixture.ThreadRuns(chains, threadId);
        Assert.NotEmpty(runs);

        using var target = TargetLoader.Open(DeepstackFixture.Dump(arch));
        var session = new DebugSession(target, $"{TestData.Repo("fixtures/out")};{DeepstackFixture.WineDlls(arch)}");
        string list = Run.Text(target, "~", session);
        var index = Regex.Match(list, $@"^[. #]\s*(\d+)\s+Id: [0-9a-f]+\.{threadId:x} ", RegexOptions.Multiline);
        Assert.True(index.Success, $"thread {threadId:x} is not in ~:\n{list}");
        string k = Run.Text(target, $"~{index.Groups[1].Value}s; kn 60", session);
        var frames = DeepstackFixture.ParseK(k);

        int at = 0;
        foreach (var run in runs)
        {
            int start = frames.FindIndex(at, f => f.Function == run[0].Name && f.ReturnAddress == run[0].ReturnAddress);
            Assert.True(start >= 0, $"{threadName}: no frame {run[0].Name} returning to {run[0].ReturnAddress:x} (from frame {at}):\n{k}");
            for (int i = 0; i < run.Count; i++)
            {
                Assert.True(start + i < frames.Count, $"{threadName}: the walk stops before {run[i].Name}:\n{k}");
                var f = frames[start + i];
                Assert.True(f.Module == DeepstackFixture.ExeModule(arch) && f.Function == run[i].Name && f.ReturnAddress == run[i].ReturnAddress,
                    $"{threadName} frame {start + i}: ntdbg says {f.Line}, the program recorded {run[i].Name} returning to {run[i].ReturnAddress:x}\n{k}");
                if (arch == "x64" && start + i + 1 < frames.Count)
                    Assert.Equal(run[i].ReturnSlot + 8, frames[start + i + 1].Stack);
            }
            at = start + run.Count;
        }
        if (threadName == "ntdbg-spinner")
            Assert.Equal("spin_leaf_forever", frames[0].Function); // the context is inside the leaf
        if (threadName == "ntdbg-main")
            Assert.True(runs.Count == 2 && at > runs[0].Count + runs[1].Count, $"no frames between the filter and the crash chain:\n{k}");
    }

    /// <summary>`.ecxr; kn` against winedbg's backtrace of the same dump (from the Exception stream's
    /// context). Frame i's instruction pointer is the context's for frame 0, else frame i-1's return
    /// address. x64: winedbg's frames in the exe are exactly ntdbg's (address and name).
    /// x86: Wine 8's winedbg loses deep_11_realigned, deep_09_varargs and deep_05_by_value and puts
    /// a 0x00000000 frame after each real one, so there its non-null frames must be a subsequence of ntdbg's.</summary>
    [Theory, MemberData(nameof(Arches))]
    public void ExceptionContext_MatchesWinedbg(string arch)
    {
        string exeModule = $"deepstack-{arch}";
        var winedbg = DeepstackFixture.Winedbg(arch).Where(f => f.Module == exeModule).ToList();
        Assert.True(winedbg.Count >= 10, $"winedbg's backtrace has only {winedbg.Count} frames in {exeModule}");

        using var target = TargetLoader.Open(DeepstackFixture.Dump(arch));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string k = Run.Text(target, ".ecxr; kn 40", session);
        var frames = DeepstackFixture.ParseK(k);
        ulong exceptionAddress;
        using (var dump = new FixtureDump(DeepstackFixture.Dump(arch)))
            exceptionAddress = dump.Exception().Address;
        var ours = frames.Select((f, i) => (Pc: i == 0 ? exceptionAddress : frames[i - 1].ReturnAddress, f.Function))
            .TakeWhile(f => f.Pc != 0).ToList();

        if (arch == "x64")
        {
            foreach (var w in winedbg)
            {
                Assert.True(w.Number < ours.Count, $"ntdbg has no frame {w.Number} (winedbg: {w.Function} at {w.Pc:x}):\n{k}");
                Assert.True(ours[w.Number].Pc == w.Pc && (w.Function == null || ours[w.Number].Function == w.Function),
                    $"frame {w.Number}: winedbg {w.Function} at {w.Pc:x}, ntdbg {ours[w.Number].Function} at {ours[w.Number].Pc:x}\n{k}");
            }
            return;
        }
        int next = 0;
        foreach (var w in winedbg)
        {
            int found = ours.FindIndex(next, o => o.Pc == w.Pc && (w.Function == null || o.Function == w.Function));
            Assert.True(found >= 0, $"winedbg's frame {w.Number} ({w.Function} at {w.Pc:x}) is not among ntdbg's frames after {next}:\n{k}");
            next = found + 1;
        }
    }

    /// <summary>The fixture can be rebuilt: with clang, lld and the mingw-w64 libraries, rebuilding
    /// deepstack (in a private temporary directory, whatever the checkout's path) gives the
    /// committed executables and PDBs byte for byte.</summary>
    [FixtureBuildFact]
    public void Regenerating_RebuildIsByteIdentical() => GenerateSh("--verify-build", "deepstack");

    /// <summary>With winedump, `generate.sh --check` passes on the committed outputs.</summary>
    [FixtureToolFact("winedump")]
    public void Regenerating_CommittedOutputsPassCheck() => GenerateSh("--check");

    private static void GenerateSh(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(TestData.Repo("fixtures/generate.sh"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "generate.sh timed out");
        Assert.True(p.ExitCode == 0, $"generate.sh {string.Join(' ', args)} failed ({p.ExitCode.ToString(CultureInfo.InvariantCulture)}):\n{stdout}\n{stderr.Result}");
    }
}
