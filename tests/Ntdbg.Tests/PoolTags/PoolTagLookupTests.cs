using Ntdbg.Core.Errors;
using Ntdbg.Formats.PoolTags;

namespace Ntdbg.Tests.PoolTags;

/// <summary>Lookup rules on small inline databases: exact before wildcard, most literal characters win, case and padding matter.</summary>
public sealed class PoolTagLookupTests
{
    private const string Sample = """
        rem a comment
        REM another
        // and another

        Ob*  - nt!ob        - Object manager catch-all
        ObD? - nt!ob        - Object directories
        ObDi - nt!ob        - object directory
        G??? - <unknown>    - Gdi Objects
        Ntf  - ntfs.sys     - Ntfs catch-all
        Dup1 - one.sys      - First owner
        Dup1 - two.sys      - Second owner
        ATmp - AppTag mount point
        CMAl - nt!cm        -internal allocator
        sm?? - nt!store or rdyboost.sys - ReadyBoost
        this line is not an entry
               <unknown>
        """;

    private static PoolTagDatabase Db() => PoolTagDatabase.Parse(Sample, "inline");

    [Fact]
    public void ExactEntryBeatsWildcards() =>
        Assert.Equal("object directory", Assert.Single(Db().Lookup("ObDi")).Description);

    [Fact]
    public void MostSpecificWildcardWins()
    {
        var db = Db();
        Assert.Equal("Object directories", Assert.Single(db.Lookup("ObDx")).Description);
        Assert.Equal("Object manager catch-all", Assert.Single(db.Lookup("ObXy")).Description);
        Assert.Equal("Gdi Objects", Assert.Single(db.Lookup("Gabc")).Description);
    }

    [Fact]
    public void TagsAreCaseSensitive()
    {
        var db = Db();
        Assert.Empty(db.Lookup("obdi"));
        Assert.Empty(db.Lookup("OBDI"));
        Assert.Equal("Ntfs catch-all", Assert.Single(db.Lookup("Ntf ")).Description);
        Assert.Empty(db.Lookup("ntf "));
    }

    [Fact]
    public void ThreeLetterTagIsPaddedAndTheSpaceCounts()
    {
        var db = Db();
        Assert.Equal("Ntf ", Assert.Single(db.Lookup("Ntf")).Tag);
        Assert.Empty(db.Lookup("Ntfs"));
        Assert.Empty(db.Lookup("Ntf_x"));
    }

    [Fact]
    public void EveryLineForATagIsKeptInFileOrder()
    {
        var dup = Db().Lookup("Dup1");
        Assert.Equal(["one.sys", "two.sys"], dup.Select(e => e.Binary));
    }

    [Fact]
    public void UnknownBinaryIsNull()
    {
        var db = Db();
        Assert.Null(Assert.Single(db.Lookup("Gxyz")).Binary);
        Assert.Equal("Gdi Objects", db.Describe("Gxyz"));
    }

    [Fact]
    public void LooseLinesStillParse()
    {
        var db = Db();
        var apptag = Assert.Single(db.Lookup("ATmp"));
        Assert.Null(apptag.Binary);
        Assert.Equal("AppTag mount point", apptag.Description);
        var cm = Assert.Single(db.Lookup("CMAl"));
        Assert.Equal(("nt!cm", "internal allocator"), (cm.Binary, cm.Description));
        Assert.Equal("nt!store or rdyboost.sys", Assert.Single(db.Lookup("smXY")).Binary);
    }

    [Fact]
    public void OddLinesAreCountedNotFatal()
    {
        var db = Db();
        Assert.Equal(2, db.SkippedLines);
        Assert.Equal(10, db.Entries.Count);
    }

    [Fact]
    public void DescribeNamesTheBinaryOrAsksForAnUpdate()
    {
        var db = Db();
        Assert.Equal("object directory , Binary: nt!ob", db.Describe("ObDi"));
        Assert.Equal("UNKNOWN pooltag 'Leak', please update pooltag.txt", db.Describe("Leak"));
        Assert.Equal("UNKNOWN pooltag 'Ntfs', please update pooltag.txt", db.Describe("Ntfs"));
    }

    [Fact]
    public void HostileTextNeverThrows()
    {
        foreach (var text in new[] { "", "\n\n\r\n", " - - -", "-", "ABCDE - x.sys - too long", "\0\0\0\0 - a - b", "a -", "\u001a", "ab\t- x - y" })
        {
            var db = PoolTagDatabase.Parse(text, "hostile");
            _ = db.Describe("abcd");
            _ = db.Lookup("");
            _ = db.Lookup("toolong");
        }
    }

    [Fact]
    public void OversizedFileIsRefused()
    {
        string path = Path.GetTempFileName();
        try
        {
            using (var f = File.OpenWrite(path)) f.SetLength(PoolTagDatabase.MaxFileBytes + 1);
            var e = Assert.Throws<DumpFormatException>(() => PoolTagDatabase.Load(path));
            Assert.Contains("limit", e.Problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
