using System.Text.Json;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Cli.PerfLog;
using Ntdbg.Formats.PerfLogs;
using Ntdbg.Synth.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>`ntdbg perflog leak` on CSV/TSV files the simulator writes (its own PDH writer, read by the product's reader).</summary>
public sealed class PerfLeakCommandTests
{
    [Fact]
    public void SeedExample_Csv_TextAndJson()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-perfleak-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, PdhCsvWriter.Write(PerfLogSimulator.SeedExample()));
            var output = new StringWriter();
            var error = new StringWriter();
            Assert.Equal(0, PerfLogCommand.Run(["leak", path, "--ram", "1GB"], output, error));
            string text = output.ToString();
            Assert.Contains(@"\\SIMHOST\Memory\Pool Nonpaged Bytes", text, StringComparison.Ordinal);
            Assert.Contains("LEAK", text, StringComparison.Ordinal);
            Assert.Contains("540 MB, 53 % of RAM", text, StringComparison.Ordinal);

            output = new StringWriter();
            Assert.Equal(0, PerfLogCommand.Run(["leak", path, "--counter", @"\Memory\Pool Nonpaged Bytes", "--ram", "1024MB", "--json"], output, error));
            using var doc = JsonDocument.Parse(output.ToString());
            var counter = doc.RootElement.GetProperty("result").GetProperty("counters")[0];
            Assert.Equal("Leak", counter.GetProperty("verdict").GetString());
            Assert.Equal(540.0 * 1024 * 1024, counter.GetProperty("peakBytes").GetDouble(), 0);
            Assert.InRange(counter.GetProperty("growthPerHour").GetDouble() / (1024 * 1024), 80, 87);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TruthTable_ThroughCsvAndTsv_GivesTheInMemoryVerdicts()
    {
        // Every 6th case through a file, alternating CSV and TSV: the reader must not change a verdict.
        var cases = PerfLogSimulator.TruthTable().Where((_, i) => i % 6 == 0).ToList();
        string dir = Directory.CreateTempSubdirectory("ntdbg-perfleak-").FullName;
        try
        {
            int k = 0;
            foreach (var c in cases)
            {
                char sep = k++ % 2 == 0 ? ',' : '\t';
                string path = Path.Combine(dir, c.Truth.Name + (sep == ',' ? ".csv" : ".tsv"));
                File.WriteAllText(path, PdhCsvWriter.Write(c.Log, sep));
                var fromFile = PerfLeakAnalysis.Run(PerfLogFile.Read(path), new PerfLeakOptions { Counters = [c.Truth.Subject] });
                Assert.Equal(c.Truth.ExpectedVerdict, Assert.Single(fromFile.Counters).Verdict.ToString());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("leak")]
    [InlineData("leak|/nonexistent/x.csv")]
    [InlineData("leak|x.csv|--ram|lots")]
    public void BadArguments_ExitTwo_WithOneLine(string joined)
    {
        var args = joined.Split('|');
        var error = new StringWriter();
        Assert.Equal(2, PerfLogCommand.Run(args, new StringWriter(), error));
        Assert.StartsWith("ntdbg perflog leak:", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1GB", 1073741824.0)]
    [InlineData("512 MB", 536870912.0)]
    [InlineData("4096", 4096.0)]
    [InlineData("1.5g", 1610612736.0)]
    public void Sizes(string text, double bytes)
    {
        Assert.True(PerfLeakCommand.TryParseSize(text, out double parsed));
        Assert.Equal(bytes, parsed);
    }
}
