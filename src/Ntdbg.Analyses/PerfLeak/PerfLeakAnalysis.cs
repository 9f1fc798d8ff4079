using Ntdbg.Analyses.Trends;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Analyses.PerfLeak;

public sealed record PerfLeakOptions
{
    public const string NonPaged = @"\Memory\Pool Nonpaged Bytes";
    public const string Paged = @"\Memory\Pool Paged Bytes";

    /// <summary>Counter paths (logman-style wildcards allowed); empty: both pool counters.</summary>
    public IReadOnlyList<string> Counters { get; init; } = [];
    public double? RamBytes { get; init; }
    public double? PoolMaxBytes { get; init; }
}

/// <summary>
/// The seed's Part 1 playbook over a counter log: for each pool counter, <see cref="LeakTest"/>
/// against the log's load counters, the peak as a share of RAM and the projected time to the pool's
/// maximum. Counters matching a path on several machines or instances are tested one by one.
/// </summary>
public static class PerfLeakAnalysis
{
    /// <summary>Load counters correlated with each pool counter, whichever the log has (instances summed).</summary>
    public static readonly string[] LoadPaths =
    [
        @"\Processor(_Total)\% Processor Time",
        @"\Server Work Queues(*)\Queue Length",
        @"\PhysicalDisk(_Total)\Disk Transfers/sec",
        @"\Network Interface(*)\Bytes Total/sec",
    ];

    /// <summary>x64 Windows 8 / Server 2012 and later: nonpaged pool may grow to about 75% of RAM.</summary>
    public const double NonPagedShareOfRam = 0.75;

    public static PerfLeakReport Run(CounterLog log, PerfLeakOptions options)
    {
        var wanted = options.Counters.Count > 0 ? options.Counters : [PerfLeakOptions.NonPaged, PerfLeakOptions.Paged];
        var notFound = wanted.Where(w => !log.Series.Any(s => Matches(w, s.Path))).ToList();
        var subjects = log.Series.Where(s => wanted.Any(w => Matches(w, s.Path))).ToList();
        var load = LoadPaths.Select(p => Sum(log, p)).OfType<LoadSeries>().ToList();
        var (ram, ramSource) = Ram(log, options.RamBytes);
        var findings = subjects.Select(s => Finding(log, s, load, ram, options.PoolMaxBytes)).ToList();
        return new PerfLeakReport(log.Source, log.Machines.ToList(), log.TimeZone,
            log.Timestamps.Count > 0 ? log.Timestamps[0] : null, log.Timestamps.Count > 0 ? log.Timestamps[^1] : null,
            log.Timestamps.Count, ram, ramSource, load.Select(l => l.Name).ToList(), findings, notFound);
    }

    static CounterLeakFinding Finding(CounterLog log, CounterSeries series, IReadOnlyList<LoadSeries> load, double? ram, double? poolMax)
    {
        var (max, maxSource) = Maximum(log, series.Path, ram, poolMax);
        var test = LeakTest.Run(log.Timestamps, series.Values, new LeakTestOptions { Maximum = max, Load = load });
        return new CounterLeakFinding(
            series.Path.ToString(), test.Verdict, test.Reasons, Finite(test.GrowthPerHour), Finite(test.Peak), test.PeakTime,
            ram is double r && double.IsFinite(test.Peak) ? test.Peak / r : null,
            max, maxSource, test.HoursToMaximum is double h && double.IsFinite(h) ? h : null,
            test.Segments.Select(s => new SegmentFinding(s.FirstTime, s.LastTime, s.Samples, s.SpanHours, s.Verdict,
                Finite(s.GrowthPerHour), s.Trend.S, s.Trend.Z, s.Trend.P, s.Falls.Episodes, Finite(s.Falls.MaxDrawdown),
                Finite(s.FloorFirst), Finite(s.FloorLast))).ToList(),
            test.Correlations.Select(c => new CorrelationFinding(c.Name, Finite(c.Spearman), Finite(c.Pearson))).ToList(),
            test.TimeNotes);
    }

    /// <summary>
    /// The pool maximum: --pool-max when given; nonpaged: 75% of RAM (x64 Windows 8+); paged: the
    /// commit limit the log records (paged pool's own maximum on x64 is hundreds of GB, so commit
    /// runs out first).
    /// </summary>
    static (double?, string) Maximum(CounterLog log, CounterPath path, double? ram, double? poolMax)
    {
        if (poolMax != null) return (poolMax, "--pool-max");
        if (path.Counter.Equals("Pool Nonpaged Bytes", StringComparison.OrdinalIgnoreCase))
            return ram is double r
                ? (r * NonPagedShareOfRam, "75% of RAM (nonpaged pool maximum on x64 Windows 8 / Server 2012 and later; pass --pool-max for other systems)")
                : (null, "unknown: no RAM (pass --ram or --pool-max)");
        if (path.Counter.Equals("Pool Paged Bytes", StringComparison.OrdinalIgnoreCase)
            && Series(log, @"\Memory\Commit Limit", path.Machine) is { } limit && LastFinite(limit.Values) is double l)
            return (l, "the log's \\Memory\\Commit Limit (paged pool is bounded by commit on x64; pass --pool-max to override)");
        return (null, "unknown (pass --pool-max)");
    }

    /// <summary>
    /// RAM from --ram, else a lower bound from the log: the largest (Available Bytes + Pool Nonpaged
    /// Bytes + the resident system counters present) over the samples, rounded up to a whole GiB.
    /// </summary>
    static (double?, string) Ram(CounterLog log, double? given)
    {
        if (given != null) return (given, "--ram");
        var available = Series(log, @"\Memory\Available Bytes", null);
        if (available == null) return (null, "unknown: the log has no \\Memory\\Available Bytes (pass --ram)");
        string[] resident = ["Pool Nonpaged Bytes", "Pool Paged Resident Bytes", "System Cache Resident Bytes", "System Code Resident Bytes", "System Driver Resident Bytes"];
        var parts = resident.Select(c => Series(log, $@"\Memory\{c}", available.Path.Machine)).OfType<CounterSeries>().ToList();
        double best = 0;
        for (int i = 0; i < log.Timestamps.Count; i++)
        {
            if (!double.IsFinite(available.Values[i])) continue;
            double sum = available.Values[i] + parts.Sum(p => double.IsFinite(p.Values[i]) ? p.Values[i] : 0);
            best = Math.Max(best, sum);
        }
        if (best <= 0) return (null, "unknown: \\Memory\\Available Bytes holds no value (pass --ram)");
        const double GiB = 1L << 30;
        double rounded = Math.Ceiling(best / GiB) * GiB;
        string names = string.Join(" + ", new[] { "Available Bytes" }.Concat(parts.Select(p => p.Path.Counter)));
        return (rounded, $"estimated: largest {names} rounded up to a whole GiB (a lower bound; pass --ram for the real figure)");
    }

    static CounterSeries? Series(CounterLog log, string pattern, string? machine) =>
        log.Series.FirstOrDefault(s => Matches(pattern, s.Path)
            && (machine == null || string.Equals(s.Path.Machine, machine, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The sum over the instances matching a load path (NaN only where all are NaN); null when none matches.</summary>
    static LoadSeries? Sum(CounterLog log, string pattern)
    {
        var matches = log.Series.Where(s => Matches(pattern, s.Path)).ToList();
        if (matches.Count == 0) return null;
        var sum = new double[log.Timestamps.Count];
        for (int i = 0; i < sum.Length; i++)
        {
            var present = matches.Select(m => m.Values[i]).Where(double.IsFinite).ToList();
            sum[i] = present.Count == 0 ? double.NaN : present.Sum();
        }
        return new LoadSeries(pattern, sum);
    }

    /// <summary>logman-style match (see <see cref="CounterSelector"/>); a malformed pattern throws FormatException.</summary>
    static bool Matches(string pattern, CounterPath path) => CounterSelector.Matches(CounterPathParser.Parse(pattern), path);

    static double? LastFinite(double[] values)
    {
        for (int i = values.Length - 1; i >= 0; i--) if (double.IsFinite(values[i])) return values[i];
        return null;
    }

    static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
