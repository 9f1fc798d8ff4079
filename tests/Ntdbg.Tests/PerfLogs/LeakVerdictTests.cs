using System.Text;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Analyses.Trends;
using Ntdbg.Synth.PerfLogs;
using Xunit.Abstractions;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>
/// The leak verdict over the simulator's truth table (leaks, load cycles and bursts, leak on load,
/// stable, short logs; reboots, NaN gaps, clock changes, three noise levels), and the seed's Part 1
/// example: steady growth to 540 MB on a 1 GB machine is a leak; a load-driven rise and fall is not.
/// </summary>
public sealed class LeakVerdictTests(ITestOutputHelper output)
{
    const double MB = 1024 * 1024;

    [Fact]
    public void TruthTable_EveryCaseGetsItsExpectedVerdict_AndLoadIsAlmostNeverALeak()
    {
        var cases = PerfLogSimulator.TruthTable();
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        var verdicts = Enum.GetValues<LeakVerdict>();
        var matrix = new Dictionary<(string, LeakVerdict), int>();
        var wrong = new List<string>();
        int loadOnly = 0, falseLeaks = 0;
        foreach (var c in cases)
        {
            var report = PerfLeakAnalysis.Run(SimulatedLogs.ToCounterLog(c.Log), new PerfLeakOptions { Counters = [c.Truth.Subject] });
            var finding = Assert.Single(report.Counters);
            var key = (c.Truth.ExpectedVerdict, finding.Verdict);
            matrix[key] = matrix.GetValueOrDefault(key) + 1;
            if (finding.Verdict.ToString() != c.Truth.ExpectedVerdict)
                wrong.Add($"{c.Truth.Name} [{string.Join(",", c.Truth.Modifiers)}] expected {c.Truth.ExpectedVerdict}, got {finding.Verdict}: {string.Join("; ", finding.Reasons)}");
            if (c.Truth.LoadOnly)
            {
                loadOnly++;
                if (finding.Verdict == LeakVerdict.Leak) falseLeaks++;
            }
        }
        var text = new StringBuilder($"{cases.Count} cases; rows: expected, columns: verdict\n{"",-14}");
        foreach (var v in verdicts) text.Append($"{v,14}");
        foreach (var expected in verdicts)
        {
            text.Append($"\n{expected,-14}");
            foreach (var v in verdicts) text.Append($"{matrix.GetValueOrDefault((expected.ToString(), v)),14}");
        }
        text.Append($"\nfalse leaks on load-only cases: {falseLeaks} of {loadOnly}");
        output.WriteLine(text.ToString());
        foreach (var w in wrong) output.WriteLine(w);
        Assert.True(loadOnly >= 60, $"only {loadOnly} load-only cases");
        Assert.True(falseLeaks < 0.02 * loadOnly, $"false-leak rate {falseLeaks}/{loadOnly}");
        Assert.Empty(wrong);
    }

    [Fact]
    public void SeedExample_SteadyGrowthTo540MBOn1GB_IsALeak()
    {
        var log = SimulatedLogs.ToCounterLog(PerfLogSimulator.SeedExample());
        var report = PerfLeakAnalysis.Run(log, new PerfLeakOptions { RamBytes = 1024 * MB });
        var nonPaged = report.Counters.Single(c => c.Counter.EndsWith(@"\Memory\Pool Nonpaged Bytes", StringComparison.Ordinal));
        Assert.Equal(LeakVerdict.Leak, nonPaged.Verdict);
        // 500 MB over 6 hours: ≈ 83 MB/h; the peak is the log's 540 MB, 54% of 1 GB as the seed says.
        Assert.InRange(nonPaged.GrowthPerHour!.Value / MB, 80, 87);
        Assert.Equal(540 * MB, nonPaged.PeakBytes);
        Assert.InRange(nonPaged.PeakShareOfRam!.Value, 0.525, 0.535);
        // 75% of 1 GB = 768 MB; (768 − 540) / 83 ≈ 2.7 h left.
        Assert.Equal(768 * MB, nonPaged.MaximumBytes);
        Assert.InRange(nonPaged.HoursToMaximum!.Value, 2.4, 3.0);
        var paged = report.Counters.Single(c => c.Counter.EndsWith(@"\Memory\Pool Paged Bytes", StringComparison.Ordinal));
        Assert.NotEqual(LeakVerdict.Leak, paged.Verdict);

        // Without --ram the log's Available Bytes + nonpaged pool give 1 GiB (rounded up), and say so.
        var estimated = PerfLeakAnalysis.Run(log, new PerfLeakOptions());
        Assert.Equal(1024 * MB, estimated.RamBytes);
        Assert.StartsWith("estimated", estimated.RamSource, StringComparison.Ordinal);
    }

    [Fact]
    public void SeedMachine_LoadDrivenRiseAndFall_IsNotALeak()
    {
        var log = SimulatedLogs.ToCounterLog(PerfLogSimulator.SeedLoadRiseAndFall());
        var report = PerfLeakAnalysis.Run(log, new PerfLeakOptions { Counters = [PerfLeakOptions.NonPaged], RamBytes = 1024 * MB });
        var finding = Assert.Single(report.Counters);
        Assert.Equal(LeakVerdict.LoadRelated, finding.Verdict);
        var cpu = finding.Correlations.Single(c => c.LoadCounter.Contains("Processor", StringComparison.Ordinal));
        Assert.True(cpu.Spearman > 0.8, $"Spearman with CPU {cpu.Spearman}");
    }
}
