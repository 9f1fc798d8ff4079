using System.Globalization;
using Ntdbg.Formats.Breakpad;
using Ntdbg.Symbols.Breakpad;
using Ntdbg.Tests.Support;
using static Ntdbg.Tests.Breakpad.BreakpadTestFiles;

namespace Ntdbg.Tests.Breakpad;

/// <summary>
/// STACK CFI: the INIT record covering an address, with every delta at or before the address
/// applied in order, later rules for a register replacing earlier ones; names kept as written.
/// </summary>
public sealed class BreakpadCfiTests
{
    private static BreakpadSymbolSource Synthetic() => new(BreakpadSymbolFile.Parse("synth.sym", System.Text.Encoding.ASCII.GetBytes(BreakpadTestFiles.Synthetic)));

    [Fact]
    public void DeltasApplyUpToTheAddressAndReplaceEarlierRules()
    {
        // The synthetic file: INIT 1000+40 {.cfa: $esp 4 +, .ra: .cfa 4 - ^}; at 1001 .cfa: $esp 8 + and
        // $ebp: .cfa 8 - ^; at 1003 .cfa: $ebp 8 +.
        var unwind = Synthetic().UnwindData!;
        var at1000 = unwind.FindCfi(0x1000)!;
        Assert.Equal(0x1000u, at1000.Rva);
        Assert.Equal(new Dictionary<string, string> { [".cfa"] = "$esp 4 +", [".ra"] = ".cfa 4 - ^" }, at1000.Rules);
        foreach (uint rva in new uint[] { 0x1001, 0x1002 })
            Assert.Equal(new Dictionary<string, string> { [".cfa"] = "$esp 8 +", [".ra"] = ".cfa 4 - ^", ["$ebp"] = ".cfa 8 - ^" }, unwind.FindCfi(rva)!.Rules);
        foreach (uint rva in new uint[] { 0x1003, 0x103f })
            Assert.Equal(new Dictionary<string, string> { [".cfa"] = "$ebp 8 +", [".ra"] = ".cfa 4 - ^", ["$ebp"] = ".cfa 8 - ^" }, unwind.FindCfi(rva)!.Rules);
        Assert.Null(unwind.FindCfi(0x0fff));
        Assert.Null(unwind.FindCfi(0x1040));
    }

    [Fact]
    public void RulesKeepTheirSpellingAndTheirSpacing()
    {
        var rules = new Dictionary<string, string>();
        BreakpadCfiRules.Apply(".cfa: $rsp  16 + .ra: .cfa 8 - ^ r12: .cfa 24 - ^", rules);
        Assert.Equal(new Dictionary<string, string> { [".cfa"] = "$rsp  16 +", [".ra"] = ".cfa 8 - ^", ["r12"] = ".cfa 24 - ^" }, rules);
        Assert.Null(BreakpadCfiRules.Check(".cfa: $rsp 8 +"));
        Assert.NotNull(BreakpadCfiRules.Check("$rsp 8 +"));
        Assert.NotNull(BreakpadCfiRules.Check(".cfa:"));
        Assert.NotNull(BreakpadCfiRules.Check(": 8"));
        Assert.NotNull(BreakpadCfiRules.Check(""));
    }

    /// <summary>
    /// dump_syms_regtest64.sym: for each INIT, the rules at its start, at each of its deltas, at its
    /// last byte and one past the end, against the record lines applied by hand in file order.
    /// </summary>
    [SharedDataFact(Regtest64)]
    public void RealFileRulesMatchTheRecordLinesAppliedInOrder()
    {
        var lines = Grep(Text(Regtest64), "^STACK CFI ");
        var groups = new List<(ulong Address, ulong Size, List<(ulong Address, string Rules)> Steps)>();
        foreach (var l in lines)
        {
            var f = l.Split(' ');
            if (f[2] == "INIT") groups.Add((Hex(f[3]), Hex(f[4]), [(Hex(f[3]), string.Join(' ', f[5..]))]));
            else groups[^1].Steps.Add((Hex(f[2]), string.Join(' ', f[3..])));
        }
        Assert.NotEmpty(groups);
        Assert.Contains(groups, g => g.Steps.Count > 1);
        var unwind = BreakpadSymbolSource.Load(TestData.Shared(Regtest64)).UnwindData!;
        foreach (var g in groups)
        {
            foreach (ulong probe in g.Steps.Select(s => s.Address).Append(g.Address + g.Size - 1))
            {
                var expected = new Dictionary<string, string>();
                foreach (var step in g.Steps.Where(s => s.Address <= probe)) ApplyByHand(step.Rules, expected);
                var got = unwind.FindCfi((uint)probe);
                Assert.NotNull(got);
                Assert.Equal(g.Address, got.Rva);
                Assert.Equal(expected, got.Rules);
            }
            if (!groups.Any(o => o.Address == g.Address + g.Size)) Assert.Null(unwind.FindCfi((uint)(g.Address + g.Size)));
        }
    }

    // "a: x y b: z" → a = "x y", b = "z" (the files use single spaces).
    private static void ApplyByHand(string rules, Dictionary<string, string> into)
    {
        string? name = null;
        var expr = new List<string>();
        foreach (var token in rules.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append("end:"))
        {
            if (!token.EndsWith(':'))
            {
                expr.Add(token);
                continue;
            }
            if (name != null) into[name] = string.Join(' ', expr);
            name = token[..^1];
            expr.Clear();
        }
    }

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
