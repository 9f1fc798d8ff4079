using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Analyses.AddressMap;
using Ntdbg.Commands.Commands.Address;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Address;

/// <summary>The `!address -summary` rows against the seed's real WinDbg output ("Troubleshooting Memory Leaks With Just a Dump").</summary>
public sealed class AddressSummaryLayoutTests
{
    private static readonly Regex SeedRow = new(@"^(\S+)\s+(\d+)\s+([0-9a-f`]+)\s+\(\s*[\d.]+ \w+\)\s+([\d.]+%)(?:\s+([\d.]+%))?$");

    [SeedFact]
    public void UsageRowsMatchTheSeedWordForWord()
    {
        var seed = Seed.OutputOf("!address -summary", l => l.StartsWith("---", StringComparison.Ordinal) || SeedRow.IsMatch(l))
            .Where(l => !l.StartsWith("---", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Free", "Heap", "<unknown>", "Image", "Stack", "Other", "TEB", "PEB"], seed.Select(l => SeedRow.Match(l).Groups[1].Value));
        foreach (string line in seed)
        {
            var m = SeedRow.Match(line);
            ulong size = ulong.Parse(m.Groups[3].Value.Replace("`", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            bool free = m.Groups[1].Value == "Free";
            double? busy = free ? null : Pct(m.Groups[4].Value);
            double? total = free ? Pct(m.Groups[4].Value) : Pct(m.Groups[5].Value);
            var row = new AddressSummaryRow(m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), size, busy, total);
            // Our units and the 64-bit size split come from the size alone; spacing is compared as words (the blog collapsed it).
            Assert.Equal(Words(line), Words(AddressSummaryText.Row(row, 8)));
            // Columns: the count ends in column 43, the size in 61, the unit's parenthesis closes in 75, the percentages end in 83 and 92.
            string ours = AddressSummaryText.Row(row, 8);
            Assert.Equal(92, ours.Length);
            Assert.Equal(')', ours[74]);
        }
    }

    private static double Pct(string s) => double.Parse(s.TrimEnd('%'), CultureInfo.InvariantCulture);

    private static string Words(string s) => Regex.Replace(s.Replace("( ", "(").Trim(), @"\s+", " ");
}
