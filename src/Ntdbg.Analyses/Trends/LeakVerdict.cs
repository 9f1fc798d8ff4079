namespace Ntdbg.Analyses.Trends;

/// <summary>
/// Leak: rises and never falls back (its floor keeps rising). LoadRelated: rises and falls back.
/// Stable: neither grows nor falls materially. Inconclusive: too little data, or mixed evidence.
/// </summary>
public enum LeakVerdict
{
    Inconclusive,
    Leak,
    LoadRelated,
    Stable,
}

/// <summary>A load counter to correlate with (e.g. \Processor(_Total)\% Processor Time), one value per sample.</summary>
public sealed record LoadSeries(string Name, IReadOnlyList<double> Values);

public sealed record LeakTestOptions
{
    /// <summary>Fewer valid samples than this in a boot segment: inconclusive.</summary>
    public int MinSamples { get; init; } = 12;

    /// <summary>A boot segment shorter than this: inconclusive.</summary>
    public TimeSpan MinSpan { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The most the counter can reach (pool maximum), for the projected time to reach it.</summary>
    public double? Maximum { get; init; }

    public IReadOnlyList<LoadSeries> Load { get; init; } = [];

    /// <summary>
    /// Sample indices known to start a new boot from other evidence than the values (poolmon's
    /// Allocs restarting small): the series is split there too, like at a reset it shows itself.
    /// </summary>
    public IReadOnlyList<int> KnownResets { get; init; } = [];
}

/// <summary>The test on one boot segment (samples [Start, End) of the log).</summary>
public sealed record LeakSegment(
    int Start,
    int End,
    DateTime FirstTime,
    DateTime LastTime,
    int Samples,
    double SpanHours,
    LeakVerdict Verdict,
    IReadOnlyList<string> Reasons,
    double GrowthPerHour,
    MannKendallResult Trend,
    DrawdownSummary Falls,
    double FloorFirst,
    double FloorMiddle,
    double FloorLast,
    double Noise,
    double Level,
    double Last);

/// <summary>Spearman and Pearson correlation of the counter with one load counter.</summary>
public sealed record LoadCorrelation(string Name, double Spearman, double Pearson);

/// <summary>
/// The verdict over the whole log with its reasons; growth per hour (Theil–Sen) and projection come
/// from the segment the verdict rests on (the last boot segment with enough data).
/// </summary>
public sealed record LeakTestResult(
    LeakVerdict Verdict,
    IReadOnlyList<string> Reasons,
    double GrowthPerHour,
    double Peak,
    DateTime? PeakTime,
    double? Maximum,
    double? HoursToMaximum,
    IReadOnlyList<LeakSegment> Segments,
    IReadOnlyList<LoadCorrelation> Correlations,
    IReadOnlyList<string> TimeNotes,
    double IntervalHours);
