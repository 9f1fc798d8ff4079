using System.Globalization;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Stacks;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Locals;

/// <summary>
/// `kp`, `kP` and `dv` on the deepstack fixture's crash stack (clang PDBs: S_LOCAL +
/// S_DEFRANGE_*), x64 and x86. The expected values are what fixtures/src/deepstack.c passes:
/// main calls deep_01_locals(7); deep_01 passes ledger.opened + ledger.closed = 7 + 7/2 = 10;
/// deep_02 calls deep_03_many_args(1, 2, 3.0, 4, 5, 6, 7.0f, &amp;text[0], 9, text[511]) with
/// text[i] = 'a' + (seed + i) % 26; deep_03 calls deep_04_alloca(96 + (sum &amp; 31)); the
/// recursion passes depth - 1 and seed + 1; deep_08 passes seed..seed+3 to deep_09 (count 4),
/// which passes their sum to deep_10; deep_10 passes seed * 3 + 1; deep_11 passes
/// (seed ^ 3) * 1000 + 41; every target is CRASH_ADDRESS 0xBAD0.
/// </summary>
public sealed class DeepstackParameterTests
{
    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    private static (string Text, DebugSession Session, ITarget Target) Run(string arch, string commands)
    {
        var target = TargetLoader.Open(DeepstackFixture.Dump(arch));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        return (Commands.Run.Text(target, commands, session), session, target);
    }

    private static ulong Number(string value)
    {
        // "0n5", "0x4", "0x00000000`0000bad0"; a char adds its quoted form ("0n98 'b'").
        string v = value.Split(' ')[0].Replace("`", "", StringComparison.Ordinal);
        return v.StartsWith("0n", StringComparison.Ordinal)
            ? (ulong)long.Parse(v[2..], CultureInfo.InvariantCulture)
            : ulong.Parse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [Theory, MemberData(nameof(Arches))]
    public void KpShowsTheArgumentsTheProgramPassed(string arch)
    {
        var (text, _, target) = Run(arch, ".ecxr; kp");
        using var _t = target;
        var frames = KpParse.Frames(text);
        KpParse.Frame F(string name) => frames.First(f => f.Function == name);

        Assert.Equal(7ul, Number(F("deep_01_locals").Named("seed").Value));
        uint seed02 = 7 + 7 / 2;
        Assert.Equal(seed02, Number(F("deep_02_array").Named("seed").Value));

        var d3 = F("deep_03_many_args");
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" }, d3.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { "int", "__int64", "double", "unsigned int", "char", "short", "float", "void *", "unsigned int", "int" },
            d3.Parameters.Select(p => p.Type));
        Assert.Equal(1ul, Number(d3.Named("a").Value));
        Assert.Equal(2ul, Number(d3.Named("b").Value));
        Assert.Equal(3.0, double.Parse(d3.Named("c").Value, CultureInfo.InvariantCulture));
        Assert.Equal(4ul, Number(d3.Named("d").Value));
        Assert.Equal(5ul, Number(d3.Named("e").Value));
        Assert.Equal(6ul, Number(d3.Named("f").Value));
        Assert.Equal(7.0f, float.Parse(d3.Named("g").Value, CultureInfo.InvariantCulture));
        Assert.Equal(9ul, Number(d3.Named("i").Value));
        int j = 'a' + (int)((seed02 + 511) % 26);
        Assert.Equal((ulong)j, Number(d3.Named("j").Value));

        int sum = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 1 + 9 + j;
        Assert.Equal((ulong)(96 + (sum & 31)), Number(F("deep_04_alloca").Named("bytes").Value));

        var recursion = frames.Where(f => f.Function == "deep_07_recurse").ToList();
        Assert.Equal(2, recursion.Count);
        // Innermost first: depth 1 called by depth 2 with seed + 1.
        Assert.Equal(1ul, Number(recursion[0].Named("depth").Value));
        Assert.Equal(2ul, Number(recursion[1].Named("depth").Value));
        ulong seed07 = Number(recursion[0].Named("seed").Value);
        Assert.Equal(Number(recursion[1].Named("seed").Value) + 1, seed07);
        Assert.Equal(2ul, Number(F("deep_06_fpo").Named("depth").Value));
        Assert.Equal(2ul, Number(F("deep_05_by_value").Named("depth").Value));

        Assert.Equal(seed07, Number(F("deep_08_via_pointer").Named("seed").Value));
        Assert.Equal(4ul, Number(F("deep_09_varargs").Named("count").Value));
        ulong seed10 = 4 * seed07 + 6;
        ulong seed11 = seed10 * 3 + 1;
        Assert.Equal(seed11, Number(F("deep_11_realigned").Named("seed").Value));
        Assert.Equal((seed11 ^ 3) * 1000 + 41, Number(F("deep_12_leaf_crash").Named("value").Value));
        foreach (var f in new[] { "deep_12_leaf_crash", "deep_11_realigned", "deep_09_varargs", "deep_08_via_pointer" })
            Assert.Equal(0xBAD0ul, Number(F(f).Named("target").Value));
    }

    [Theory, MemberData(nameof(Arches))]
    public void RegistersTheUnwindDidNotRestoreAreUnavailable(string arch)
    {
        // deep_10_opt_middle (-O2) keeps target in rcx/ecx, a volatile register: past frame 0 its
        // value is not known. x64's seed lives in edi, which the unwind restores.
        var (text, _, target) = Run(arch, ".ecxr; kp");
        using var _t = target;
        var d10 = KpParse.Frames(text).First(f => f.Function == "deep_10_opt_middle");
        Assert.Equal("<value unavailable>", d10.Named("target").Value);
        if (arch == "x64")
        {
            var frames = KpParse.Frames(text);
            ulong seed07 = Number(frames.First(f => f.Function == "deep_07_recurse").Named("seed").Value);
            Assert.Equal(4 * seed07 + 6, Number(d10.Named("seed").Value));
        }
    }

    [Theory, MemberData(nameof(Arches))]
    public void KCapitalPPutsEachParameterOnItsOwnLine(string arch)
    {
        var (kp, _, t1) = Run(arch, ".ecxr; kp");
        using var _1 = t1;
        var (kP, _, t2) = Run(arch, ".ecxr; kP");
        using var _2 = t2;
        Assert.Contains("deep_03_many_args(\n\t\t\tint a = 0n1, \n\t\t\t__int64 b = 0n2, ", kP.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(KpParse.Frames(kp).Select(f => f.Parameters), KpParse.Frames(kP).Select(f => f.Parameters));
    }

    [Theory, MemberData(nameof(Arches))]
    public void DvListsTheSelectedFramesParametersAndLocals(string arch)
    {
        var (kp, _, t1) = Run(arch, ".ecxr; kpn");
        using var _1 = t1;
        var frames = DeepstackFixture.ParseK(kp);
        int n02 = frames.First(f => f.Function != null && f.Function.StartsWith("deep_02_array", StringComparison.Ordinal)).Number;
        int n03 = frames.First(f => f.Function != null && f.Function.StartsWith("deep_03_many_args", StringComparison.Ordinal)).Number;

        var (dv02, _, t2) = Run(arch, $".ecxr; .frame {n02:x}; dv /t");
        using var _2 = t2;
        var locals = KpParse.Dv(dv02);
        Assert.Equal(new[] { "seed", "text", "r" }, locals.Select(l => l.Name));
        Assert.Equal("char [512]", locals[1].Type);
        // text[i] = 'a' + (seed + i) % 26 with seed 10.
        string expected = string.Concat(Enumerable.Range(0, 20).Select(i => (char)('a' + (10 + i) % 26)));
        Assert.StartsWith($"char [512] \"{expected}", locals[1].Value, StringComparison.Ordinal);

        // deep_03's h is &text[0]: the address dv /v gives text in deep_02's frame.
        var (dv02v, _, t3) = Run(arch, $".ecxr; .frame {n02:x}; dv /v text");
        using var _3 = t3;
        string textAddress = dv02v.Split('\n').Single(l => l.Contains(" text = ", StringComparison.Ordinal)).Trim().Split(' ')[0];
        var (dv03, _, t4) = Run(arch, $".ecxr; .frame {n03:x}; dv /t");
        using var _4 = t4;
        var d3 = KpParse.Dv(dv03);
        Assert.Equal(DeepstackFixture.Hex(textAddress), Number(d3.Single(l => l.Name == "h").Value));
        // bytes = a + b + c + d + e + f + g + (h != NULL) + i + j: the local, in scope at the call.
        int j = 'a' + (10 + 511) % 26;
        Assert.Equal((ulong)(1 + 2 + 3 + 4 + 5 + 6 + 7 + 1 + 9 + j), Number(d3.Single(l => l.Name == "bytes").Value));
        Assert.Equal(d3.Take(10).Select(l => l.Name), new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" });
    }

    [Fact]
    public void DvWithoutPrivateSymbolsSaysSo()
    {
        var (text, _, target) = Run("x64", ".ecxr; kn");
        using var _t = target;
        var frames = DeepstackFixture.ParseK(text);
        var system = frames.First(f => f.Function == null);
        var (dv, _, t2) = Run("x64", $".ecxr; .frame {system.Number:x}; dv");
        using var _2 = t2;
        Assert.Contains("Unable to enumerate locals", dv, StringComparison.Ordinal);
    }
}
