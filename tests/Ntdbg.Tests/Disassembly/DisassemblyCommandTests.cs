using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Disassembly;

/// <summary>u, ub and uf on the crash fixture against `llvm-objdump -d` of the same executable.</summary>
public sealed class DisassemblyCommandTests
{
    private static readonly Regex ObjdumpLine = new(@"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(\S+)", RegexOptions.Multiline);
    private static readonly Regex OurLine = new(@"^([0-9a-f]{8}`[0-9a-f]{8}) ([0-9a-f]+)\s+(\S+)", RegexOptions.Multiline);

    [ToolFact("llvm-objdump", needsSharedData: false)]
    public void WholeFunctionMatchesObjdumpAndCallsAreNamed()
    {
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string uf = Run.Text(target, "uf crash_x64!crash_stage_four_write", session);
        Assert.StartsWith("crash_x64!crash_stage_four_write:", uf);
        var ours = OurLine.Matches(uf).Select(m => (Address: ulong.Parse(m.Groups[1].Value.Replace("`", ""), NumberStyles.HexNumber), Bytes: m.Groups[2].Value, Mnemonic: m.Groups[3].Value)).ToList();
        Assert.True(ours.Count >= 5, uf);

        string dump = Tools.Run("llvm-objdump", "-d", "--x86-asm-syntax=intel", FixtureFiles.Out("crash-x64.exe"));
        var theirs = ObjdumpLine.Matches(dump).ToDictionary(m => ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber),
            m => (Bytes: m.Groups[2].Value.Replace(" ", ""), Mnemonic: m.Groups[3].Value));
        foreach (var (address, bytes, mnemonic) in ours)
        {
            Assert.True(theirs.TryGetValue(address, out var t), $"objdump has no instruction at {address:x}");
            Assert.Equal(t.Bytes, bytes);
            Assert.Equal(t.Mnemonic, mnemonic);
        }
        Assert.EndsWith("ret", uf.TrimEnd());

        string calls = Run.Text(target, "uf /c crash_x64!crash_stage_three_apply", session);
        Assert.Contains("call    crash_x64!crash_stage_four_write (00000001`40001510)", calls);
        Assert.True(session.SymbolTable.TryResolve("crash_x64!crash_stage_four_write", out ulong four));
        Assert.Equal(0x140001510ul, four);
    }

    [Fact]
    public void UbEndsAtTheFaultAndUContinues()
    {
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        Run.Text(target, ".ecxr", session);
        ulong rip = session.CurrentContext!.InstructionPointer;
        var ub = OurLine.Matches(Run.Text(target, "ub @rip L3", session)).ToList();
        Assert.Equal(3, ub.Count);
        var last = ub[^1];
        ulong lastAddress = ulong.Parse(last.Groups[1].Value.Replace("`", ""), NumberStyles.HexNumber);
        Assert.Equal(rip, lastAddress + (ulong)(last.Groups[2].Value.Length / 2));

        string first = Run.Text(target, "u @rip L2", session);
        string next = Run.Text(target, "u L1", session);
        var a = OurLine.Matches(first).ToList();
        Assert.Equal(2, a.Count);
        ulong after = ulong.Parse(a[1].Groups[1].Value.Replace("`", ""), NumberStyles.HexNumber) + (ulong)(a[1].Groups[2].Value.Length / 2);
        Assert.StartsWith($"{after >> 32:x8}`{after & 0xffffffff:x8}", OurLine.Match(next).Value);
        Assert.Contains("dword ptr [rax],ecx", first); // the faulting write, memory size spelled as WinDbg does
    }
}
