using Ntdbg.Charts.PerfLogs;
using Ntdbg.Core.Errors;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>Turns the failures a perflog verb expects (bad log, bad counter, bad output file) into one line and exit code 1.</summary>
internal static class PerfLogVerbErrors
{
    public static CounterLog Load(string path, Func<string, CounterLog> load)
    {
        if (!File.Exists(path)) throw new ArgumentException($"no log '{path}'");
        return load(path);
    }

    public static int Guard(string verb, TextWriter error, Action work)
    {
        try
        {
            work();
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or ChartException or DumpFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"ntdbg perflog {verb}: {e.Message}");
            return 1;
        }
    }
}
