using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// `ntdbg perflog dump &lt;log&gt; [--counter path...]`: what a counter log holds: its machine(s), time
/// zone and counter paths, then the samples as CSV (timestamp, one column per counter).
/// </summary>
public static class PerfLogDumpCommand
{
    public const string Usage = "usage: ntdbg perflog dump <log.blg|.csv|.tsv> [--counter <path>...]";

    /// <param name="args">The arguments after `perflog dump`.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? file = null;
        var wanted = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--counter" && i + 1 < args.Length) wanted.Add(args[++i]);
            else if (file == null && !args[i].StartsWith('-')) file = args[i];
            else
            {
                error.WriteLine($"ntdbg perflog dump: unexpected '{args[i]}'");
                error.WriteLine(Usage);
                return 2;
            }
        }
        if (file == null)
        {
            error.WriteLine(Usage);
            return 2;
        }
        if (!File.Exists(file))
        {
            error.WriteLine($"ntdbg perflog dump: no file '{file}'");
            return 2;
        }
        CounterSelector? selector;
        try { selector = wanted.Count == 0 ? null : new CounterSelector(wanted); }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            error.WriteLine($"ntdbg perflog dump: {e.Message}");
            return 2;
        }
        var log = PerfLogFile.Read(file, selector);
        if (wanted.Count > 0 && log.Series.Count == 0)
        {
            error.WriteLine($"ntdbg perflog dump: no counter in '{file}' matches {string.Join(", ", wanted)}");
            return 1;
        }
        PerfLogDumpText.Write(log, output);
        return 0;
    }
}
