using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// `.frame [/c] [/r] [N]` on the fixtures' crash stacks. `.frame /c N` makes frame N's registers
/// the context: its instruction pointer is the return address the deepstack program recorded for
/// frame N-1 (and `kn` found), its stack pointer the recorded return-address slot plus the slot
/// (x64: `kn`'s Child-SP of frame N), and `k` then starts at frame N.
/// </summary>
public sealed class FrameCommandTests
{
    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    private static ulong Register(string text, string name)
    {
        var m = Regex.Match(text, $@"^{name}=([0-9a-f]+)\s*$", RegexOptions.Multiline);
        Assert.True(m.Success, $"no {name}= line in:\n{text}");
        return ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [Theory, MemberData(nameof(Arches))]
    public void FrameSlashCMakesTheFramesRegistersTheContextAndKStartsThere(string arch)
    {
        var crash = DeepstackFixture.Chains(arch).Single(c => c.FromExceptionContext).Frames;
        using var target = TargetLoader.Open(DeepstackFixture.Dump(arch));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        var frames = DeepstackFixture.ParseK(Run.Text(target, ".ecxr; kn 40", session));
        Assert.True(frames.Count >= crash.Count);
        bool x64 = arch == "x64";
        string ip = x64 ? "rip" : "eip", sp = x64 ? "rsp" : "esp", fp = x64 ? "rbp" : "ebp";
        int slot = x64 ? 8 : 4;
        foreach (int n in new[] { 1, 2, 5, 9, crash.Count - 1 })
        {
            string text = Run.Text(target, $".ecxr; .frame /c {n:x}; r {ip}, {sp}, {fp}", session);
            Assert.Equal(crash[n - 1].ReturnAddress, Register(text, ip));
            Assert.Equal(frames[n - 1].ReturnAddress, Register(text, ip));
            Assert.Equal(crash[n - 1].ReturnSlot + (ulong)slot, Register(text, sp));
            // x64's Child-SP is the stack pointer, x86's ChildEBP the frame pointer.
            Assert.Equal(frames[n].Stack, Register(text, x64 ? sp : fp));

            var again = DeepstackFixture.ParseK(Run.Text(target, "kn 40", session));
            Assert.Equal(0, again[0].Number);
            int common = Math.Min(again.Count, crash.Count - n);
            Assert.True(common >= 1, $"kn after .frame /c {n:x} found no frames");
            for (int i = 0; i < common; i++)
                Assert.True((again[i].Stack, again[i].ReturnAddress, again[i].Function) == (frames[n + i].Stack, frames[n + i].ReturnAddress, frames[n + i].Function),
                    $"after .frame /c {n:x}, frame {i:x2} is '{again[i].Line}', before it was '{frames[n + i].Line}'");
            // The new context's frame 0 is what .frame shows now.
            Assert.Equal(again[0].Line, Run.Text(target, ".frame", session).Trim());
        }
    }

    [Theory, MemberData(nameof(Arches))]
    public void FrameNShowsTheKnLineAndIsRememberedUntilTheContextChanges(string arch)
    {
        using var target = TargetLoader.Open(FixtureFiles.Out($"crash-{arch}.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string k = Run.Text(target, ".ecxr; kn 8", session);
        var lines = k.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => Regex.IsMatch(l, "^[0-9a-f]{2} ")).ToList();
        Assert.True(lines.Count >= 5, k);

        Assert.Equal(lines[0], Run.Text(target, ".frame", session).Trim());
        Assert.Equal(lines[2], Run.Text(target, ".frame 2", session).Trim());
        Assert.Equal(lines[2], Run.Text(target, ".frame", session).Trim());
        Assert.Equal(lines[3], Run.Text(target, ".frame 0n3", session).Trim());
        // .ecxr, .cxr and ~Ns start again at frame 0.
        Assert.Equal(lines[0], Run.Text(target, ".ecxr; .frame", session).Split('\n')[^2].Trim());
        Run.Text(target, ".frame 2", session);
        Assert.Equal(2, session.SelectedFrame);
        Run.Text(target, "~0s", session);
        Assert.Equal(0, session.SelectedFrame);
        Run.Text(target, ".ecxr; .frame 2; .cxr", session);
        Assert.Equal(0, session.SelectedFrame);
        Assert.Contains("Cannot find frame 0x3e7", Run.Text(target, ".ecxr; .frame 0n999", session));
    }

    [Theory, MemberData(nameof(Arches))]
    public void FrameSlashRPrintsTheTrustedRegistersAndMarksTheOthersUnknown(string arch)
    {
        using var target = TargetLoader.Open(FixtureFiles.Out($"crash-{arch}.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        bool x64 = arch == "x64";
        var frames = DeepstackFixture.ParseK(Run.Text(target, ".ecxr; kn 8", session));
        string text = Run.Text(target, ".frame /r 2", session);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(frames[2].Line, lines[0]);
        Assert.Contains("unknown and shown as '?'", text);
        // Volatile registers are not restored by an unwind; the instruction pointer is the return address of frame 1.
        Assert.Contains(x64 ? "rax=????????????????" : "eax=????????", text);
        Assert.Matches(x64 ? $"rip={frames[1].ReturnAddress:x16}" : $"eip={frames[1].ReturnAddress:x8}", text);
        // /r does not change the context: r still shows the exception context's rax.
        Assert.DoesNotContain("?", Run.Text(target, x64 ? "r rax" : "r eax", session));
        // Frame 0's registers are the whole context.
        Assert.DoesNotContain("?", Run.Text(target, ".frame /r 0", session));
        Assert.Contains("is unknown in this context", Run.Text(target, $".frame /c 2; r {(x64 ? "rax" : "eax")}", session));
    }
}
