using Ntdbg.Analyses.Trends;

namespace Ntdbg.Analyses.PerfLeak;

/// <summary>
/// `ntdbg perflog leak`: per pool counter, the leak verdict with its reasons and figures; the RAM and
/// pool maximum the shares and projections use, and where they came from. Unknown figures are null.
/// </summary>
public sealed record PerfLeakReport(
    string Source,
    IReadOnlyList<string> Machines,
    string? TimeZone,
    DateTime? First,
    DateTime? Last,
    int Samples,
    double? RamBytes,
    string RamSource,
    IReadOnlyList<string> LoadCounters,
    IReadOnlyList<CounterLeakFinding> Counters,
    IReadOnlyList<string> NotFound);

/// <summary>One counter's verdict (see <see cref="LeakTest"/>) with its growth, peak and projection.</summary>
public sealed record CounterLeakFinding(
    string Counter,
    LeakVerdict Verdict,
    IReadOnlyList<string> Reasons,
    double? GrowthPerHour,
    double? PeakBytes,
    DateTime? PeakTime,
    double? PeakShareOfRam,
    double? MaximumBytes,
    string MaximumSource,
    double? HoursToMaximum,
    IReadOnlyList<SegmentFinding> Segments,
    IReadOnlyList<CorrelationFinding> Correlations,
    IReadOnlyList<string> TimeNotes);

/// <summary>One boot segment: when, how many samples, the verdict and the trend statistics behind it.</summary>
public sealed record SegmentFinding(
    DateTime First,
    DateTime Last,
    int Samples,
    double SpanHours,
    LeakVerdict Verdict,
    double? GrowthPerHour,
    long MannKendallS,
    double MannKendallZ,
    double MannKendallP,
    int Falls,
    double? DeepestFall,
    double? FloorFirst,
    double? FloorLast);

public sealed record CorrelationFinding(string LoadCounter, double? Spearman, double? Pearson);
