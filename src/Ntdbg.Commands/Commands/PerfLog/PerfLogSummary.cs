using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Commands.Commands.PerfLog;

/// <summary>
/// What a counter log covers, as the report's heading shows it: the machines its paths name, its
/// time zone (null when the format records none, e.g. CSV), the first and last timestamps, the
/// sample count and, per counter, how many samples hold a value and the first/last/min/max of them.
/// </summary>
public sealed record PerfLogSummary(
    string Source,
    IReadOnlyList<string> Machines,
    string? TimeZone,
    DateTime? First,
    DateTime? Last,
    int Samples,
    IReadOnlyList<CounterSummary> Counters)
{
    public TimeSpan? Span => First != null && Last != null ? Last - First : null;

    /// <summary>The log's bias (UTC = local + bias, in minutes), when it records one.</summary>
    public int? TimeZoneBias { get; init; }

    /// <summary>The local clock's offset from UTC, "UTC+01:00", when the log records the bias.</summary>
    public string? UtcOffset => TimeZoneBias is { } bias
        ? $"UTC{(bias <= 0 ? '+' : '-')}{Math.Abs(bias) / 60:D2}:{Math.Abs(bias) % 60:D2}"
        : null;

    public static PerfLogSummary Of(CounterLog log, IReadOnlyList<CounterSeries> series)
    {
        var stamps = log.Timestamps;
        return new PerfLogSummary(
            log.Source,
            log.Machines.ToList(),
            log.TimeZone,
            stamps.Count > 0 ? stamps[0] : null,
            stamps.Count > 0 ? stamps[^1] : null,
            stamps.Count,
            series.Select(CounterSummary.Of).ToList())
        { TimeZoneBias = log.TimeZoneBias };
    }
}

/// <summary>One counter's figures over the samples that hold a value (NaN ones are left out and counted).</summary>
public sealed record CounterSummary(CounterPath Path, int Valued, int Missing, double? First, double? Last, double? Min, double? Max)
{
    public static CounterSummary Of(CounterSeries series)
    {
        var valued = series.Values.Where(v => !double.IsNaN(v)).ToArray();
        return valued.Length == 0
            ? new CounterSummary(series.Path, 0, series.Values.Length, null, null, null, null)
            : new CounterSummary(series.Path, valued.Length, series.Values.Length - valued.Length,
                valued[0], valued[^1], valued.Min(), valued.Max());
    }
}
