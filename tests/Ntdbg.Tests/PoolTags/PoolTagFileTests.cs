using System.Text.RegularExpressions;
using Ntdbg.Formats.PoolTags;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PoolTags;

/// <summary>
/// The two real copies of pooltag.txt in shared/testdata, checked against regular expressions over
/// the raw lines written here, independent of the parser's own splitting.
/// </summary>
public sealed partial class PoolTagFileTests
{
    public const string Current = "pool/pooltag.txt";
    public const string Old = "pool/pooltag_2003.txt";

    // A tag (1-4 characters, first not blank) then blanks and '-': an entry line in both copies.
    [GeneratedRegex(@"^\S[^\t]{0,3}? +-")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"^\s*$|^\s*(?i:rem)\b|^\s*//|^\x1a$")]
    private static partial Regex NotContent();

    [SharedDataFact(Current)]
    public void CurrentCopyCountsMatchTheRawLines() => CountsMatch(Current, expectSkipped: 0);

    // The 2003 copy has one stray "       <unknown>" line that belongs to no tag.
    [SharedDataFact(Old)]
    public void OldCopyCountsMatchTheRawLines() => CountsMatch(Old, expectSkipped: 1);

    private static void CountsMatch(string relative, int expectSkipped)
    {
        string path = TestData.Shared(relative);
        var lines = File.ReadAllLines(path);
        var db = PoolTagDatabase.Load(path);
        int entryLines = lines.Count(l => EntryLine().IsMatch(l));
        int contentLines = lines.Count(l => !NotContent().IsMatch(l));
        Assert.True(entryLines > 1500, $"{relative}: only {entryLines} entry lines");
        Assert.Equal(entryLines, db.Entries.Count);
        Assert.Equal(expectSkipped, db.SkippedLines);
        Assert.Equal(contentLines, db.Entries.Count + db.SkippedLines);
    }

    [SharedDataTheory]
    [InlineData(Current, "Thre")]
    [InlineData(Current, "Pool")]
    [InlineData(Current, "Ntfs")]
    [InlineData(Current, "Afd?")]
    [InlineData(Current, "CM??")]
    [InlineData(Old, "Acp*")]
    [InlineData(Old, "Proc")]
    public void EntryMatchesItsRawLine(string relative, string tag)
    {
        string path = TestData.Shared(relative);
        var raw = File.ReadAllLines(path)
            .Select(l => Regex.Match(l, "^" + Regex.Escape(tag) + @"\s+-\s+(\S+)\s+-\s+(.*?)\s*$"))
            .First(m => m.Success);
        string? binary = raw.Groups[1].Value == "<unknown>" ? null : raw.Groups[1].Value;

        var entries = PoolTagDatabase.Load(path).Lookup(tag);

        var entry = Assert.Single(entries);
        Assert.Equal(tag, entry.Tag);
        Assert.Equal(binary, entry.Binary);
        Assert.Equal(raw.Groups[2].Value, entry.Description);
    }

    [SharedDataFact(Current)]
    public void EveryLineOfARepeatedTagIsKept()
    {
        string path = TestData.Shared(Current);
        var repeated = File.ReadAllLines(path)
            .Select(l => Regex.Match(l, @"^([^\s*?]{4}) +- "))
            .Where(m => m.Success)
            .GroupBy(m => m.Groups[1].Value, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToList();
        var db = PoolTagDatabase.Load(path);

        Assert.NotEmpty(repeated);
        foreach (var g in repeated)
            Assert.Equal(g.Count(), db.Lookup(g.Key).Count);
    }

    [SharedDataFact(Current)]
    public void ThreeLetterTagsArePaddedWithASpace()
    {
        string path = TestData.Shared(Current);
        var three = File.ReadAllLines(path).Select(l => Regex.Match(l, @"^([A-Za-z0-9]{3}) +- +(\S+)")).First(m => m.Success);
        var db = PoolTagDatabase.Load(path);

        string padded = three.Groups[1].Value + " ";
        string? binary = three.Groups[2].Value == "<unknown>" ? null : three.Groups[2].Value;
        Assert.Equal(binary, Assert.Single(db.Lookup(padded)).Binary);
        Assert.Equal(db.Lookup(padded), db.Lookup(three.Groups[1].Value));
    }

    /// <summary>
    /// The blog's real !poolused rows: the text after the counts is what Describe must give for each
    /// tag, known or unknown, with the 2020 database.
    /// </summary>
    [PoolTagSeedFact]
    public void DescribeMatchesRealPoolusedOutput()
    {
        var rows = Seed.OutputOf("!poolused /t5 2", l => !l.StartsWith("The above", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @"^(\S{4})\s+\d+\s+\d+\s+\d+\s+\d+\s+(.+)$"))
            .Where(m => m.Success)
            .ToList();
        var db = PoolTagDatabase.Load(TestData.Shared(Current));

        Assert.Equal(5, rows.Count);
        Assert.Contains(rows, r => r.Groups[2].Value.StartsWith("UNKNOWN", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Groups[2].Value.Contains("Binary:", StringComparison.Ordinal));
        foreach (var r in rows)
            Assert.Equal(r.Groups[2].Value, db.Describe(r.Groups[1].Value));
    }
}

/// <summary>Needs both the blog seed and the 2020 pooltag.txt; says which is missing when skipped.</summary>
public sealed class PoolTagSeedFactAttribute : FactAttribute
{
    public PoolTagSeedFactAttribute()
    {
        if (Seed.Path == null) Skip = "../shared/seed is absent: !poolused seed comparison skipped";
        else if (TestData.SharedRoot is not { } root || !File.Exists(Path.Combine(root, PoolTagFileTests.Current)))
            Skip = $"../shared/testdata/{PoolTagFileTests.Current} is absent: !poolused seed comparison skipped";
    }
}
