using System.Text.RegularExpressions;
using Ntdbg.Cli.Bench;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>`ntdbg bench symbols` runs in-process on a small budget (no child processes, no targets checked).</summary>
public partial class SymbolBenchTests
{
    private const string Pdb = "pdb/dump_syms_regtest64.pdb";

    [SharedDataFact(Pdb)]
    public void ReportsLookupsAndEveryUdt()
    {
        string pdb = TestData.Shared(Pdb);
        var output = new StringWriter();
        int rc = SymbolBenchCommand.Run(["--pdb", pdb, "--lookups", "1000", "--cold-runs", "0", "--no-check"], output);
        string text = output.ToString();
        Assert.True(rc == 0, text);
        Assert.Contains("(b) 1,000 random address lookups", text, StringComparison.Ordinal);
        // (c) walks one definition per UDT name: as many as llvm-pdbutil lists distinct defined names.
        var m = UdtLine().Match(text);
        Assert.True(m.Success, text);
        if (LlvmPdbUtil.Available)
        {
            int expected = LlvmTypeDump.Read(pdb)
                .Where(r => r.Leaf is "LF_STRUCTURE" or "LF_CLASS" or "LF_UNION" && !r.Lines.Any(l => l.Contains("forward ref", StringComparison.Ordinal)))
                .Select(r => r.Name).Distinct(StringComparer.Ordinal).Count();
            Assert.Equal(expected, int.Parse(m.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void BadArgumentsAndMissingPdbExitWithTwo()
    {
        Assert.Equal(2, SymbolBenchCommand.Run(["--bogus"], new StringWriter()));
        Assert.Equal(2, SymbolBenchCommand.Run(["--pdb", "/nonexistent/x.pdb"], new StringWriter()));
    }

    [GeneratedRegex(@"\(c\) ([\d,]+) UDTs")] private static partial Regex UdtLine();
}
