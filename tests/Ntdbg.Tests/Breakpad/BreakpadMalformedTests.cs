using System.Text;
using Ntdbg.Core.Errors;
using Ntdbg.Formats.Breakpad;
using Ntdbg.Fuzz;

namespace Ntdbg.Tests.Breakpad;

/// <summary>
/// Bad input: one-line errors naming the file, the line and the problem; unknown record types
/// skipped; and text-aware mutants of the synthetic and real files, which may only fail that way.
/// </summary>
public sealed class BreakpadMalformedTests
{
    private const string Module = "MODULE windows x86 0123456789ABCDEF0123456789ABCDEF1 m.pdb\n";

    private static BreakpadSymbolFile Parse(string text) => BreakpadSymbolFile.Parse("bad.sym", Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData(Module + "FUNC 10zz 10 0 f\n", 2, "FUNC address '10zz' is not a hexadecimal number")]
    [InlineData(Module + "FUNC 10000000000000000 10 0 f\n", 2, "FUNC address '10000000000000000' does not fit in 64 bits")]
    [InlineData(Module + "FUNC 1000 10 0\n", 2, "FUNC name is missing")]
    [InlineData(Module + "FUNC 1000 10 100000000 f\n", 2, "FUNC parameter size '100000000' does not fit in 32 bits")]
    [InlineData(Module + "FUNC -1000 10 0 f\n", 2, "not a hexadecimal number")]
    [InlineData(Module + "1000 10 5 0\n", 2, "line record before any FUNC record")]
    [InlineData(Module + "FUNC 1000 10 0 f\n1000 10 x5 0\n", 3, "line number 'x5' is not a 32-bit decimal number")]
    [InlineData(Module + "FUNC 1000 10 0 f\n1000 10 5 -1\n", 3, "line file number '-1' is not a non-negative 32-bit decimal number")]
    [InlineData(Module + "FUNC 1000 10 0 f\n1000 10 5 0 7\n", 3, "line record has an unexpected field '7'")]
    [InlineData(Module + "FUNC 1000 10 0 f\n1000 10 99999999999 0\n", 3, "line number '99999999999'")]
    [InlineData(Module + "PUBLIC 1000 0\n", 2, "PUBLIC name is missing")]
    [InlineData(Module + "FILE x a.c\n", 2, "FILE number 'x'")]
    [InlineData(Module + "STACK WIN 5 1000 10 0 0 0 0 0 0 0 0\n", 2, "STACK WIN type 5 is not a frame type")]
    [InlineData(Module + "STACK WIN 4 1000 10 0 0 0 0 0 0 2 x\n", 2, "STACK WIN has_program_string is 2, not 0 or 1")]
    [InlineData(Module + "STACK WIN 4 1000 10 0 0 0 0 0 0 1\n", 2, "STACK WIN program string is missing")]
    [InlineData(Module + "STACK WIN 4 1000 10 0 0 0 0 0\n", 2, "STACK WIN max stack size is missing")]
    [InlineData(Module + "STACK WIN 4 1000 10 0 0 0 0 0 0 0 1 9\n", 2, "STACK WIN record has an unexpected field '9'")]
    [InlineData(Module + "STACK CFI INIT 1000 10 $esp 4 +\n", 2, "CFI rules must start with a register name")]
    [InlineData(Module + "STACK CFI INIT 1000 10 .cfa: $esp 4 + .ra:\n", 2, "CFI rule for '.ra' has no expression")]
    [InlineData(Module + "STACK CFI INIT 1000\n", 2, "STACK CFI INIT size is missing")]
    [InlineData(Module + "STACK CFI 10g0 .cfa: $esp\n", 2, "STACK CFI address '10g0'")]
    [InlineData(Module + "INLINE 0 1 0 0 1000 10\n", 2, "INLINE record before any FUNC record")]
    [InlineData(Module + "FUNC 1000 10 0 f\nINLINE 0 1 0 0 1000\n", 3, "INLINE range size is missing")]
    [InlineData(Module + "FUNC 1000 10 0 f\nINLINE 0 1 0 0\n", 3, "INLINE range address is missing")]
    [InlineData(Module + Module, 2, "second MODULE record")]
    [InlineData("FUNC 1000 10 0 f\n", 1, "not a breakpad symbol file: the first record is 'FUNC', not MODULE")]
    [InlineData("MODULE windows x86 ABC\n", 1, "MODULE name is missing")]
    [InlineData("", 1, "no MODULE record")]
    [InlineData("\n\r\n", 2, "no MODULE record")]
    public void BadRecordsNameTheLineAndTheProblem(string text, int line, string problem)
    {
        var e = Assert.Throws<DumpFormatException>(() => Parse(text));
        Assert.Equal("bad.sym", e.File);
        Assert.StartsWith($"line {line}: ", e.Problem);
        Assert.Contains(problem, e.Problem);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("bad.sym: offset 0x", e.Message);
    }

    [Fact]
    public void TheOffsetIsWhereTheBadLineStarts()
    {
        string text = Module + "FUNC 1000 10 0 f\r\n1000 10 5 0\r\nFUNC 2000 zz 0 g\r\n";
        var e = Assert.Throws<DumpFormatException>(() => Parse(text));
        Assert.Equal(text.IndexOf("FUNC 2000", StringComparison.Ordinal), e.Offset);
        Assert.StartsWith("line 4: FUNC size 'zz'", e.Problem);
    }

    [Fact]
    public void UnknownRecordsAndBlankLinesAreSkippedAndKnownOnesStillRead()
    {
        var file = Parse("\uFEFF" + Module + "\nINFO GENERATOR something 1.0\nFUTURE_RECORD 1 2 3\nSTACK FUTURE 1\n\t\nFUNC m 1000 10 8 f(int, char)  \n" +
            "1000 10 -3 0\nINLINE_ORIGIN 1 g\nINLINE 0 4 0 1 1004 4 1008 2\nPUBLIC m 2000 4 p q\nINFO CODE_ID ABCDEF12 m.dll\n");
        Assert.Equal(2, file.SkippedRecords);
        var f = Assert.Single(file.Functions);
        Assert.Equal((0x1000UL, 0x10UL, 8u, "f(int, char)", true), (f.Address, f.Size, f.ParameterSize, f.Name, f.Multiple));
        Assert.Equal([new BreakpadLine(0x1000, 0x10, -3, 0)], file.LinesOf(f).ToArray());
        Assert.Equal(1, file.InlineCount);
        Assert.Equal("g", file.InlineOrigins[1]);
        var p = Assert.Single(file.Publics);
        Assert.Equal((0x2000UL, 4u, "p q", true), (p.Address, p.ParameterSize, p.Name, p.Multiple));
        Assert.Equal(("ABCDEF12", "m.dll"), (file.CodeId, file.CodeFile));
        Assert.Equal("m.pdb", file.Module.Name);
    }

    [Fact]
    public void StackWinPrefersFrameDataAndTheInnermostRecord()
    {
        var file = Parse(Module +
            "STACK WIN 0 1000 100 0 0 0 0 0 0 0 1\n" +
            "STACK WIN 4 1000 100 1 0 4 0 0 0 1 outer\n" +
            "STACK WIN 4 1040 20 2 0 8 0 0 0 1 inner\n" +
            "STACK WIN 0 1080 10 0 0 0 0 0 0 0 0\n");
        Assert.Equal("outer", file.FindStackWin(0x1000)!.ProgramString);
        Assert.Equal("inner", file.FindStackWin(0x1045)!.ProgramString);
        Assert.Equal("outer", file.FindStackWin(0x1060)!.ProgramString);
        Assert.Equal("outer", file.FindStackWin(0x1085)!.ProgramString); // type 4 covers it, so FPO does not win
        Assert.Equal(0x1080u, file.FindStackWin(0x1085, 0)!.Rva);
        Assert.True(file.FindStackWin(0x1005, 0)!.AllocatesBasePointer);
        Assert.Null(file.FindStackWin(0x1100));
        Assert.Null(file.FindStackWin(0xfff));
    }

    private static readonly string[] Replacements =
        ["", "zz", "-1", "0", "m", "ffffffffffffffff", "10000000000000000", "FUNC", "STACK", "INIT", ":", ".cfa:", "1 2 3 4 5 6 7 8 9", "\t", "\u00e9", "99999999999"];

    /// <summary>
    /// Text mutants: one field of one line replaced (bad numbers, keywords, empties). Each must
    /// parse or fail with a one-line error naming a line of the file; the harness's lookups follow.
    /// </summary>
    [Fact]
    public void TextMutantsParseOrFailWithALineNumber()
    {
        var rng = new Random(20261206);
        var seeds = BreakpadTestFiles.FuzzSeeds().Select(b => Encoding.UTF8.GetString(b).Split('\n')).ToList();
        int failures = 0;
        for (int i = 0; i < 1500; i++)
        {
            var lines = (string[])seeds[rng.Next(seeds.Count)].Clone();
            int target = rng.Next(lines.Length);
            var fields = lines[target].Split(' ');
            fields[rng.Next(fields.Length)] = Replacements[rng.Next(Replacements.Length)];
            lines[target] = string.Join(' ', fields);
            byte[] input = Encoding.UTF8.GetBytes(string.Join('\n', lines));
            try
            {
                BreakpadFuzzTarget.Run(input);
                Parse(Encoding.UTF8.GetString(input));
            }
            catch (DumpFormatException e)
            {
                failures++;
                Assert.DoesNotContain('\n', e.Message);
                var m = System.Text.RegularExpressions.Regex.Match(e.Problem, @"^line (\d+): ");
                Assert.True(m.Success, e.Message);
                Assert.InRange(int.Parse(m.Groups[1].Value), 1, lines.Length);
            }
        }
        Assert.InRange(failures, 1, 1499); // the mutants reach both outcomes
    }
}
