using Ntdbg.Charts.PerfLogs;
using Ntdbg.Core.Errors;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// What `perflog chart` and `perflog report` share around their work: reading the log with the
/// counters asked for, and turning the failures they expect (bad log, a counter pattern that
/// matches nothing, bad output file) into one line and exit code 1.
/// </summary>
internal static class PerfLogVerbErrors
{
    /// <summary>The log and the series the patterns pick (all without patterns), each pattern checked to match something.</summary>
    public static (CounterLog Log, IReadOnlyList<CounterSeries> Selected) Load(string path, IReadOnlyList<string> patterns, Func<string, CounterLog> load)
    {
        if (!File.Exists(path)) throw new ArgumentException($"no log '{path}'");
        var log = load(path);
        if (patterns.Count == 0) return (log, log.Series);
        foreach (var pattern in patterns)
            if (!new CounterSelector([pattern]).Select(log).Any()) throw new ArgumentException($"no counter in {log.Source} matches '{pattern}'");
        return (log, [.. new CounterSelector(patterns).Select(log)]);
    }

    public static int Guard(string verb, TextWriter error, Action work)
    {
        try
        {
            work();
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or ChartException or DumpFormatException
                                      or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"ntdbg perflog {verb}: {e.Message}");
            return 1;
        }
    }
}
