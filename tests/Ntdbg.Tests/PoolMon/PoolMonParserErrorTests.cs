using Ntdbg.Core.Errors;
using Ntdbg.Formats.PoolMon;

namespace Ntdbg.Tests.PoolMon;

/// <summary>Bad input: one-line errors naming file and line; odd-but-valid forms read.</summary>
public sealed class PoolMonParserErrorTests
{
    private const string Header = " Tag  Type     Allocs         Frees    Diff   Bytes    Per Alloc\n\n";

    [Theory]
    [InlineData(" EtwB Nonp 6394 4056 2338 163418368", "row ends before the Per Alloc column")]
    [InlineData(" EtwB Nonp 6394 x 2338 163418368 69896", "expected a number in the Frees column")]
    [InlineData(" EtwB Nonp 6394 (  1 4056 2338 163418368 69896", "'(' after the Allocs column is not closed")]
    [InlineData(" EtwB Nonp 99999999999999999999 4056 2338 1 1", "out of range")]
    [InlineData(" TooLongTag Nonp 1 1 0 0 0", "more than 4 characters")]
    [InlineData(" EtwB 1 1 0 0 0", "expected the pool type")]
    public void BadRowInsideATableNamesFileAndLine(string row, string problem)
    {
        var e = Assert.Throws<TextFormatException>(() => PoolMonParser.Parse(Header + " Leak Nonp 1 0 1 16 16\n" + row + "\n", "log7.txt"));
        Assert.Equal(4, e.Line);
        Assert.StartsWith("log7.txt: line 4: not a poolmon row", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void OverlongLineAndTextWithoutATableAreRefused()
    {
        var e = Assert.Throws<TextFormatException>(() => PoolMonParser.Parse(Header + new string('x', PoolMonParser.MaxLineLength + 1), "a.txt"));
        Assert.Equal(3, e.Line);
        e = Assert.Throws<TextFormatException>(() => PoolMonParser.Parse("hello\nworld\n", "b.txt"));
        Assert.Contains("no poolmon table", e.Message);
    }

    [Fact]
    public void ScreenFormsRead()
    {
        // From the PoolMon documentation's layouts: mapped-driver column, negative change, a title, a prompt line before the table.
        const string text = """
            C:\>poolmon /iNtF? /g
             Memory:  260620K Avail:   65152K  PageFlts:    85   InRam Krnl: 2116K P:19560K
             Commit: 237688K Limit: 640916K Peak: 260632K            Pool N: 8500K P:33024K
             All sessions pool information
             Tag  Type     Allocs            Frees            Diff   Bytes      Per Alloc  Mapped_Driver

             NtFB Paged      3996 (   0)      3986 (  -2)     10  252088 (  -512)  25208 [ntfs.sys  -  BitmpSup.c]
             1MEM Nonp          1 (   0)         0 (   0)      1    3344 (     0)   3344   Unknown Driver
             Io   Nonp    1021112 (   1)   1020985 (   1)    127   91912 (     0)    723
            """;
        var log = PoolMonParser.Parse(text, "screen.txt");
        Assert.Equal(1, log.SkippedLines);
        var s = Assert.Single(log.Snapshots);
        Assert.Equal("All sessions pool information", s.Title);
        Assert.Equal(8500, s.Header!.PoolNonPagedKb);
        Assert.Equal(19560, s.Header.InRamPagedKb);
        Assert.Equal(("NtFB", -2L, -512L, "[ntfs.sys  -  BitmpSup.c]"), (s.Rows[0].Tag, s.Rows[0].FreesDelta!.Value, s.Rows[0].BytesDelta!.Value, s.Rows[0].MappedDriver!));
        Assert.Equal("Unknown Driver", s.Rows[1].MappedDriver);
        Assert.Equal(("Io", 127L, 723L), (s.Rows[2].Tag, s.Rows[2].Diff, s.Rows[2].PerAlloc));
    }

    [Fact]
    public void BareRowsWithoutHeaderAreOneSnapshot()
    {
        var log = PoolMonParser.Parse("IE1Q Nonp 4096 0 4096 16384 4", "bare");
        Assert.Equal(("IE1Q", 4096L, 4L), (log.Snapshots[0].Rows[0].Tag, log.Snapshots[0].Rows[0].Diff, log.Snapshots[0].Rows[0].PerAlloc));
    }
}
