using System.Globalization;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Stacks;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Locals;

/// <summary>
/// Parameters and locals from MSVC PDBs (S_REGREL32 without a parameter flag, S_LOCAL with
/// S_DEFRANGE_REGISTER_REL plus MSVC's repeated S_REGREL32) and from the crash fixture (clang).
/// Expected values come from the programs' sources: lldb's sigsegv.cpp calls foo(10, 3.14,
/// "testing") and foo calls crash(x > y); fixtures/src/crash.c calls crash_stage_one_parse(7),
/// which passes &amp;order down the chain, and generate.sh runs it with one argument.
/// </summary>
public sealed class RealDumpParameterTests
{
    private static string Run(ITarget target, string symbols, string commands) =>
        Commands.Run.Text(target, commands, new DebugSession(target, symbols));

    [SharedDataFact("user/lldb/sigsegv.dmp")]
    public void MsvcRegisterRelativeParametersOfFoo()
    {
        using var target = TargetLoader.Open(TestData.Shared("user/lldb/sigsegv.dmp"));
        string symbols = TestData.Shared("user/lldb");
        var frames = KpParse.Frames(Run(target, symbols, ".ecxr; kp"));
        Assert.Equal("crash", frames[0].Function);
        Assert.Equal("foo", frames[1].Function);
        // crash(bool crash_self): foo passes flag = 10 > 3.14.
        Assert.Equal("true", frames[0].Named("crash_self").Value);
        var foo = frames[1];
        Assert.Equal(new[] { "x", "y", "msg" }, foo.Parameters.Select(p => p.Name));
        Assert.Equal("0n10", foo.Named("x").Value);
        Assert.Equal(3.14f, float.Parse(foo.Named("y").Value, CultureInfo.InvariantCulture));
        // msg points at "testing" in the image's .rdata: the string shows when the dump holds it.
        string msg = foo.Named("msg").Value;
        ulong pointer = DeepstackFixture.Hex(msg.Split(' ')[0][2..]);
        var bytes = new byte[8];
        bool held = target.Memory.Read(pointer, bytes, out _) == bytes.Length;
        if (held) Assert.EndsWith("\"testing\"", msg, StringComparison.Ordinal);
        else Assert.DoesNotContain("\"", msg, StringComparison.Ordinal);

        // dv in foo: the three parameters (the signature's count: S_REGREL32 has no flag) and flag.
        string dv = Run(target, symbols, ".ecxr; .frame 1; dv /i /t");
        var lines = dv.Split('\n').Where(l => l.Contains(" = ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(4, lines.Count);
        Assert.StartsWith("prv param", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("int x = 0n10", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("prv param", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("prv local", lines[3], StringComparison.Ordinal);
        Assert.EndsWith("bool flag = true", lines[3], StringComparison.Ordinal);
    }

    [SharedDataFact("user/sentry/windows.dmp")]
    public void MsvcLocalsWithDefRangesAndRepeatedRecordsAreListedOnce()
    {
        using var target = TargetLoader.Open(TestData.Shared("user/sentry/windows.dmp"));
        string symbols = TestData.Shared("user/sentry");
        var main = KpParse.Frames(Run(target, symbols, ".ecxr; kp")).First(f => f.Function == "main");
        // main's signature is int (int, char**): S_LOCAL argc and argv (flagged parameters),
        // repeated as S_REGREL32 after the function's unreachable label.
        Assert.Equal(new[] { ("int", "argc"), ("char **", "argv") }, main.Parameters.Select(p => (p.Type, p.Name)));
        var locals = KpParse.Dv(Run(target, symbols, ".ecxr; dv /t"));
        Assert.Equal(new[] { "argc", "argv", "eh" }, locals.Select(l => l.Name));
        Assert.Equal("class google_breakpad::ExceptionHandler", locals[2].Type);
    }

    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    [Theory, MemberData(nameof(Arches))]
    public void CrashFixtureChainPassesTheOrder(string arch)
    {
        using var target = TargetLoader.Open(FixtureFiles.Out($"crash-{arch}.dmp"));
        string symbols = TestData.Repo("fixtures/out");
        string kp = Run(target, symbols, ".ecxr; kpn");
        var frames = KpParse.Frames(kp);
        var one = frames.First(f => f.Function == "crash_stage_one_parse");
        Assert.Equal("0x7", one.Named("id").Value);
        var mainFrame = frames.First(f => f.Function == "main");
        Assert.Equal("0n2", mainFrame.Named("argc").Value);

        // Every stage gets &order: the address dv /v gives stage one's local.
        int n = DeepstackFixture.ParseK(kp).First(f => f.Function != null && f.Function.StartsWith("crash_stage_one_parse", StringComparison.Ordinal)).Number;
        string dv = Run(target, symbols, $".ecxr; .frame {n:x}; dv /v order");
        ulong order = DeepstackFixture.Hex(dv.Split('\n').Single(l => l.Contains(" order = ", StringComparison.Ordinal)).Trim().Split(' ')[0]);
        foreach (var stage in new[] { "crash_stage_four_write", "crash_stage_three_apply", "crash_stage_two_validate" })
            Assert.Equal(order, DeepstackFixture.Hex(frames.First(f => f.Function == stage).Named("order").Value[2..]));
        // The order's id field (offset 0) holds the 7 stage one stored.
        Assert.True(target.Memory.TryReadUInt32(order, out uint id, out _));
        Assert.Equal(7u, id);
    }
}
