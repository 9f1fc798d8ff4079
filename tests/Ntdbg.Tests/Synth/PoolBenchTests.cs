using Ntdbg.Cli.Bench;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>`ntdbg bench pool` on a small sparse dump of the benchmarks' machine (not timed): it reads every tracker table and checks its answer.</summary>
public sealed class PoolBenchTests
{
    [SharedDataFact("kernel/isf")]
    public void BenchPoolRunsOnASmallDumpAndChecksItsAnswer()
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = BenchScenario.Make(IsfLayout.ForBuild(isf, 19041), 19041, 20);
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-bench-pool-{Guid.NewGuid():N}.dmp");
        try
        {
            SparseDumpWriter.Write(path, scenario, 256UL << 20);
            var output = new StringWriter();
            // The default tag count is the scenario's: no --tags needed.
            int rc = PoolBenchCommand.Run(["--dump", path, "-y", isf, "--runs", "2", "--no-check"], output);
            string text = output.ToString();
            Assert.True(rc == 0, text);
            // PoolTrackTable, the seven other processors' tables and the expansion table.
            Assert.Contains($"run 2: {BenchPoolTags.Count} tags from {BenchPoolTags.Processors + 1} tables", text, StringComparison.Ordinal);
            Assert.Contains("!poolused after open: median", text, StringComparison.Ordinal);
            // A wrong answer fails even with --no-check.
            Assert.Equal(1, PoolBenchCommand.Run(["--dump", path, "-y", isf, "--runs", "1", "--tags", $"{BenchPoolTags.Count + 1}", "--no-check"], new StringWriter()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadArgumentsAndMissingDumpExitWithTwo()
    {
        Assert.Equal(2, PoolBenchCommand.Run(["--bogus"], new StringWriter()));
        Assert.Equal(2, PoolBenchCommand.Run([], new StringWriter()));
        Assert.Equal(2, PoolBenchCommand.Run(["--dump", "/nonexistent/x.dmp"], new StringWriter()));
    }
}
