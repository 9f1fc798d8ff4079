namespace Ntdbg.Synth.PerfLogs;

/// <summary>
/// A generated counter log: local timestamps and one value per sample per counter path (NaN where
/// the sample is missing). Kept in Synth's own shape (Synth references no ntdbg reader), tests turn it
/// into a CounterLog or write it as CSV/TSV with <see cref="PdhCsvWriter"/>.
/// </summary>
public sealed record SimulatedPerfLog(
    string Machine,
    string TimeZone,
    IReadOnlyList<DateTime> Timestamps,
    IReadOnlyList<(string Path, double[] Values)> Series);

/// <summary>What a case is made of and what the leak test must say about its subject counter.</summary>
public sealed record PerfLogTruth(
    string Name,
    string Kind,
    int Seed,
    string Subject,
    string ExpectedVerdict,
    bool LoadOnly,
    IReadOnlyDictionary<string, double> Parameters,
    IReadOnlyList<string> Modifiers);

public sealed record PerfLogCase(PerfLogTruth Truth, SimulatedPerfLog Log);
