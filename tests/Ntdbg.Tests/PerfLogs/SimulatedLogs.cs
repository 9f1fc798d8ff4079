using System.Text.RegularExpressions;
using Ntdbg.Formats.PerfLogs;
using Ntdbg.Synth.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Turns the simulator's logs into the CounterLog the readers produce (before CSV round trips).</summary>
internal static partial class SimulatedLogs
{
    public static CounterLog ToCounterLog(SimulatedPerfLog log) =>
        new("simulated", log.TimeZone, log.Timestamps,
            log.Series.Select(s => new CounterSeries(Path(log.Machine, s.Path), s.Values)).ToList());

    static CounterPath Path(string machine, string path)
    {
        var m = PathPattern().Match(path);
        if (!m.Success) throw new ArgumentException($"not a counter path: {path}");
        return new CounterPath(machine, m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null, m.Groups[3].Value);
    }

    [GeneratedRegex(@"^\\([^\\(]+)(?:\(([^)]*)\))?\\(.+)$")]
    private static partial Regex PathPattern();
}
