using Ntdbg.Cli.Bench;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>`ntdbg bench perflog` on a small log: it writes, reads back every sample (its own check), reports and deletes the file.</summary>
public class PerfLogBenchTests
{
    [Fact]
    public void BenchPerflogRunsOnASmallLog()
    {
        var output = new StringWriter();
        int exit = PerfLogBenchCommand.Run(["--size-mb", "2", "--counters", "40", "--runs", "2"], output);
        string text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("run 2: read 40 counters x ", text);
        Assert.Matches(@"perflog: \d+ MB CSV with 40 counters read in [\d.]+ s", text);
        string file = text.Split('\n')[0].Split(' ')[1].TrimEnd(':');
        Assert.EndsWith(".csv", file);
        Assert.False(File.Exists(file), $"{file} was left behind");
    }

    [Fact]
    public void BadArgumentsExitTwo() => Assert.Equal(2, PerfLogBenchCommand.Run(["--size-mb", "x"], new StringWriter()));
}
