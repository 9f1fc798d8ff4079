using System.Diagnostics;
using Ntdbg.Symbols.Demangle;
using Xunit.Abstractions;

namespace Ntdbg.Tests.Demangle;

/// <summary>Garbage, truncated and mutated names: never an exception, never slow.</summary>
public sealed class MsvcDemanglerRobustnessTests(ITestOutputHelper output)
{
    private static readonly string[] Seeds =
    {
        "?m_Heap@Blob@@2PEAXEA",
        "?PnpProcessEvent@FxPkgPnp@@QEAAXW4FxPnpEvent@@E@Z",
        "??$_Buynode@ABUAppMemory@google_breakpad@@@?$_List_buy@UAppMemory@google_breakpad@@V?$allocator@UAppMemory@google_breakpad@@@std@@@std@@QAEPAU?$_List_node@UAppMemory@google_breakpad@@PAX@1@PAU21@0ABUAppMemory@google_breakpad@@@Z",
        "??_C@_1BK@KMOMNAAI@?$AAS?$AAI?$AAN?$AAG?$AA?5?$AAe?$AAr?$AAr?$AAo?$AAr?$AA?$AN?$AA?6?$AA?$AA@",
        "?_OptionsStorage@?1??__local_stdio_printf_options@@9@4_KA",
        "??_R1A@?0A@EA@Base@@8",
        "?memptrtofun7@@3R8B@@EAAP6AHXZXZEQ1@",
        "?f@Foo@@$R4PPPPPPPM@A@B@C@EAAXXZ",
        "??__E?x@@3HA@@YAXXZ",
        "?FunArr@@3PAY0BE@P6AHHH@ZA",
    };

    private const string Alphabet = "?@$0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcxyz";

    [Fact]
    public void HundredThousandRandomInputsNeverThrowAndStayFast()
    {
        var random = new Random(20261123);
        double worst = 0, total = 0;
        string worstInput = "";
        int accepted = 0;
        var sw = new Stopwatch();
        for (int i = 0; i < 100_000; i++)
        {
            string input = MakeInput(random, i);
            sw.Restart();
            bool full = MsvcDemangler.TryDemangle(input, DemangleStyle.Full, out var a);
            bool name = MsvcDemangler.TryDemangle(input, DemangleStyle.NameOnly, out var b);
            double ms = sw.Elapsed.TotalMilliseconds;
            total += ms;
            if (i >= 100 && ms > worst)
            {
                // A slow call is timed again: a GC pause or a JIT tier-up is not the input's cost.
                ms = Math.Min(ms, Enumerable.Range(0, 3).Min(_ => Time(() =>
                {
                    MsvcDemangler.TryDemangle(input, DemangleStyle.Full, out string _);
                    MsvcDemangler.TryDemangle(input, DemangleStyle.NameOnly, out string _);
                })));
                if (ms > worst) (worst, worstInput) = (ms, input);
            }
            Assert.Equal(full, name);
            Assert.NotNull(a);
            Assert.NotNull(b);
            if (full) accepted++;
        }
        output.WriteLine($"100000 inputs: {accepted} accepted, mean {total / 100_000 * 1000:F1} us, worst {worst:F2} ms (both styles, {worstInput})");
        Assert.True(worst < 5, $"slowest input took {worst:F2} ms: {worstInput}");
    }

    private static string MakeInput(Random r, int i)
    {
        switch (i % 4)
        {
            case 0:
                {
                    // Pure noise after the '?' that marks a decorated name.
                    var chars = new char[1 + r.Next(80)];
                    chars[0] = '?';
                    for (int k = 1; k < chars.Length; k++) chars[k] = Alphabet[r.Next(Alphabet.Length)];
                    return new string(chars);
                }
            case 1:
                {
                    // Truncation of a real name.
                    var seed = Seeds[r.Next(Seeds.Length)];
                    return seed[..r.Next(1, seed.Length + 1)];
                }
            default:
                {
                    // Mutations: replace, insert or delete a few characters.
                    var s = new System.Text.StringBuilder(Seeds[r.Next(Seeds.Length)]);
                    int edits = 1 + r.Next(4);
                    for (int e = 0; e < edits && s.Length > 1; e++)
                    {
                        int at = 1 + r.Next(s.Length - 1);
                        switch (r.Next(3))
                        {
                            case 0: s[at] = Alphabet[r.Next(Alphabet.Length)]; break;
                            case 1: s.Insert(at, Alphabet[r.Next(Alphabet.Length)]); break;
                            default: s.Remove(at, 1); break;
                        }
                    }
                    return s.ToString();
                }
        }
    }

    [Fact]
    public void DeepNestingIsRefusedNotOverflowed()
    {
        // 1,300 nested pointers fit the length cap but not the depth cap.
        string deep = "?x@@3" + string.Concat(Enumerable.Repeat("PEA", 1300)) + "HEA";
        Assert.False(MsvcDemangler.TryDemangle(deep, DemangleStyle.Full, out _));
        string deepTemplates = "?x@@3" + string.Concat(Enumerable.Repeat("V?$a@", 1000)) + "H" + new string('@', 2000) + "A";
        Assert.False(MsvcDemangler.TryDemangle(deepTemplates, DemangleStyle.Full, out _));
        // Twenty nested pointers are fine.
        Assert.True(MsvcDemangler.TryDemangle("?x@@3" + string.Concat(Enumerable.Repeat("PEA", 20)) + "HEA", DemangleStyle.Full, out var ok));
        Assert.Equal("int " + new string('*', 20) + "x", ok);
    }

    [Fact]
    public void OverlongInputIsRefused()
    {
        string longName = "?" + new string('a', MsvcDemangler.MaxInputLength) + "@@3HA";
        Assert.False(MsvcDemangler.TryDemangle(longName, DemangleStyle.Full, out _));
    }

    [Fact]
    public void BackReferenceBlowUpHitsTheOutputCapQuickly()
    {
        // Each parameter is a template of the previous one via back-references; the text doubles
        // per level, so the output cap must stop it.
        var sb = new System.Text.StringBuilder("?f@@YAX");
        sb.Append("V?$A@HHHHHHHH@@");
        for (int i = 0; i < 9; i++) sb.Append("V?$A@").Append(string.Concat(Enumerable.Repeat("V?$A@HHHHHHHH@@", 8))).Append("@@");
        sb.Append("@Z");
        double ms = Time(() => MsvcDemangler.TryDemangle(sb.ToString(), DemangleStyle.Full, out _));
        Assert.True(ms < 100, $"{ms:F1} ms");
    }

    private static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalMilliseconds;
    }
}
