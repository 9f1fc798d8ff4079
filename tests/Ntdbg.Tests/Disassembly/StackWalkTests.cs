using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Disassembly;

/// <summary>
/// `kn` on the crash fixture unwinds with .pdata through the program's call chain (the C source
/// names it: main → one_parse → two_validate → three_apply → four_write), and every return
/// address it finds sits right after a call, in llvm-objdump's listing, to the function of the
/// frame below.
/// </summary>
public sealed class StackWalkTests
{
    private static readonly Regex Frame = new(@"^([0-9a-f]{2}) ([0-9a-f]{8}`[0-9a-f]{8}) ([0-9a-f]{8}`[0-9a-f]{8})\s+(\S+)", RegexOptions.Multiline);
    private static readonly Regex Call = new(@"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*callq?\s+0x([0-9a-f]+)", RegexOptions.Multiline);

    private static ulong Hex(string s) => ulong.Parse(s.Replace("`", ""), NumberStyles.HexNumber);

    [ToolFact("llvm-objdump", needsSharedData: false)]
    public void UnwindsThroughTheCallChainAndEachReturnFollowsItsCall()
    {
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string k = Run.Text(target, ".ecxr; kn", session);
        var frames = Frame.Matches(k).Select(m => (Sp: Hex(m.Groups[2].Value), Ret: Hex(m.Groups[3].Value), Site: m.Groups[4].Value)).ToList();
        string[] chain = ["crash_stage_four_write", "crash_stage_three_apply", "crash_stage_two_validate", "crash_stage_one_parse", "main"];
        Assert.True(frames.Count > chain.Length, k);
        for (int i = 0; i < chain.Length; i++)
            Assert.StartsWith($"crash_x64!{chain[i]}+0x", frames[i].Site);

        // Calls in the executable, by the address right after them: what they call.
        var calls = Call.Matches(Tools.Run("llvm-objdump", "-d", FixtureFiles.Out("crash-x64.exe")))
            .ToDictionary(m => Hex(m.Groups[1].Value) + (ulong)m.Groups[2].Value.Trim().Split(' ').Length, m => Hex(m.Groups[3].Value));
        for (int i = 0; i < chain.Length - 1; i++)
        {
            Assert.True(calls.TryGetValue(frames[i].Ret, out ulong callee), $"no call ends at {frames[i].Ret:x}");
            Assert.True(session.SymbolTable.TryResolve($"crash_x64!{chain[i]}", out ulong start));
            Assert.Equal(start, callee);
            Assert.True(frames[i + 1].Sp > frames[i].Sp);
        }
    }
}
