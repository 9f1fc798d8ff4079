using System.Text.Json;
using Ntdbg.Cli.PoolMon;
using Ntdbg.Synth.PoolMon;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PoolMon;

/// <summary>`ntdbg poolmon trend` end to end: a folder of generated logs, text and JSON, pooltag.txt descriptions, usage errors.</summary>
public sealed class PoolMonCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = PoolMonCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void FolderOfLogsNamesTheLeakAndTheNextStep()
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions { Seed = 21, LeakTag = "Leak" });
        string folder = Directory.CreateTempSubdirectory("ntdbg-poolmon-cli-").FullName;
        try
        {
            PoolMonTextWriter.WriteFiles(synth, folder, new PoolMonTextStyle { Timestamp = true });
            var (code, text, err) = Run("trend", folder, "--top", "5");
            Assert.True(code == 0, err);
            var lines = text.Split('\n');
            var rankOne = lines.SkipWhile(l => !l.Contains("Rank Tag")).Skip(1).First();
            Assert.Contains("Leak", rankOne);
            Assert.Contains("Leak", rankOne[(rankOne.IndexOf("Leak") + 4)..]); // tag, then verdict
            Assert.Contains("next: ntdbg pool findtag Leak --dir", text);
            Assert.Contains("growth per hour", text);

            (code, var json, err) = Run("trend", folder, "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(json);
            var result = doc.RootElement.GetProperty("result");
            Assert.Equal("PoolMonTrendResult", doc.RootElement.GetProperty("type").GetString());
            Assert.Equal("Leak", result.GetProperty("tags")[0].GetProperty("tag").GetString());
            Assert.Equal("Leak", result.GetProperty("tags")[0].GetProperty("verdict").GetString());
            Assert.Equal(synth.Snapshots.Count, result.GetProperty("snapshots").GetArrayLength());
        }
        finally { Directory.Delete(folder, true); }
    }

    [SharedDataFact("pool/pooltag.txt")]
    public void PoolTagFileDescribesTags()
    {
        var (code, text, err) = Run("trend", TestData.Shared(PoolMonExcerptTests.Excerpt), "--pooltag", TestData.Shared("pool/pooltag.txt"));
        Assert.True(code == 0, err);
        var etwb = text.Split('\n').First(l => l.Contains(" EtwB "));
        var entry = File.ReadAllLines(TestData.Shared("pool/pooltag.txt")).First(l => l.StartsWith("EtwB"));
        Assert.Contains(entry.Split(" - ")[^1].Trim(), etwb);
        Assert.Contains("one snapshot cannot show growth", text);
    }

    [Theory]
    [InlineData(new[] { "trend" }, 2, "usage")]
    [InlineData(new[] { "list", "x" }, 2, "usage")]
    [InlineData(new[] { "trend", "/nonexistent/poolmon.txt" }, 1, "no file or folder")]
    [InlineData(new[] { "trend", "a.txt", "--bogus" }, 2, "unexpected")]
    [InlineData(new[] { "trend", "a.txt", "--top", "zero" }, 2, "unexpected")]
    public void BadArgumentsAreOneLineErrors(string[] args, int expectedCode, string message)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(expectedCode, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void MissingPoolTagFileIsAnError()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "EtwB Nonp 6394 4056 2338 163418368 69896\n");
            var (code, _, err) = Run("trend", file, "--pooltag", "/nonexistent/pooltag.txt");
            Assert.Equal(2, code);
            Assert.Contains("no pooltag file", err);
        }
        finally { File.Delete(file); }
    }

    /// <summary>A folder with a reboot, two missing files and the clock set back an hour, the truth beside it: the leak ranks first at its rate, and each modifier is said.</summary>
    [Fact]
    public void FolderWithRebootGapsAndClockChange()
    {
        var synth = PoolMonSeriesGenerator.Generate(new PoolMonSynthOptions
        {
            Seed = 42,
            Snapshots = 30,
            LeakBytesPerHour = 3 << 20,
            RebootBefore = [14],
            Missing = [6, 22],
            ClockShifts = [(18, -1.0)],
        });
        string folder = Directory.CreateTempSubdirectory("ntdbg-poolmon-cli-").FullName;
        try
        {
            PoolMonTextWriter.WriteFiles(synth, folder, new PoolMonTextStyle { Timestamp = true });
            string truth = PoolMonTextWriter.WriteTruth(synth.Truth, folder);
            Assert.Contains("\"rebootBefore\"", File.ReadAllText(truth));
            var (code, text, err) = Run("trend", folder, "--json");
            Assert.True(code == 0, err);
            using var json = JsonDocument.Parse(text);
            var result = json.RootElement.GetProperty("result");
            var top = result.GetProperty("tags")[0];
            Assert.Equal("Leak", top.GetProperty("tag").GetString());
            Assert.Equal("Leak", top.GetProperty("verdict").GetString());
            Assert.InRange(top.GetProperty("bytesPerUnit").GetDouble(), 0.9 * (3 << 20), 1.1 * (3 << 20));
            Assert.Equal([12], result.GetProperty("resets").EnumerateArray().Select(r => r.GetInt32()));
            var (_, plain, _) = Run("trend", folder);
            Assert.Contains("each boot's snapshots are tested separately", plain);
            Assert.Contains("2 files missing from the numbered series poolmonlog1..30: poolmonlog6, poolmonlog22", plain);
            Assert.Contains("clock goes back 30 min", plain);
            Assert.Contains("(restarted before this one: a new boot)", plain);
        }
        finally { Directory.Delete(folder, true); }
    }
}
