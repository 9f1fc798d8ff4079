using Ntdbg.Cli.Bench;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>`ntdbg bench perflog` on a small log: it writes, reads back every sample (its own check), judges the pool counters within the timed figure, reports and deletes the file.</summary>
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
        Assert.Contains("judged 2 pool counters (Leak, Leak)", text);
        Assert.Matches(@"read \+ judge [\d.]+ s", text);
        Assert.Matches(@"perflog: \d+ MB CSV with 40 counters read and judged in [\d.]+ s", text);
        Assert.DoesNotContain("all counters:", text);
        string file = text.Split('\n')[0].Split(' ')[1].TrimEnd(':');
        Assert.EndsWith(".csv", file);
        Assert.False(File.Exists(file), $"{file} was left behind");
    }

    [Fact]
    public void AllCountersJudgesEveryCounterOutsideTheTarget()
    {
        var output = new StringWriter();
        int exit = PerfLogBenchCommand.Run(["--size-mb", "1", "--counters", "12", "--runs", "1", "--all-counters"], output);
        Assert.True(exit == 0, output.ToString());
        Assert.Matches(@"all counters: the leak test over 12 counters took [\d.]+ s more", output.ToString());
    }

    [Fact]
    public void BadArgumentsExitTwo() => Assert.Equal(2, PerfLogBenchCommand.Run(["--size-mb", "x"], new StringWriter()));
}
