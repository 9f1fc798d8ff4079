namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// A performance counter log (perfmon .blg, relog/typeperf CSV or TSV, or a generated one) in one
/// shape: the samples' timestamps (the log's local wall-clock time, as the log records it) and one
/// value per sample per counter. A value the log does not hold (blank, " ", a counter not yet
/// collected) is NaN, never 0.
/// </summary>
public sealed record CounterLog(
    string Source,
    string? TimeZone,
    IReadOnlyList<DateTime> Timestamps,
    IReadOnlyList<CounterSeries> Series)
{
    /// <summary>
    /// The time zone's bias in minutes as Windows keeps it (UTC = local time + bias; 480 for
    /// Pacific Standard Time), as the PDH CSV/TSV header's second parenthesis holds it; null when
    /// the log does not say.
    /// </summary>
    public int? TimeZoneBias { get; init; }

    /// <summary>The machines the counter paths name (distinct, in order of first appearance).</summary>
    public IEnumerable<string> Machines => Series.Select(s => s.Path.Machine).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One counter's values, one per timestamp of its log (NaN where the log holds none).</summary>
public sealed record CounterSeries(CounterPath Path, double[] Values);
