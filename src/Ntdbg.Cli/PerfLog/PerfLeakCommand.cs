using System.Globalization;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Core.Errors;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// `ntdbg perflog leak &lt;log&gt; [--counter path...] [--ram size] [--pool-max size] [--json]`: the seed's
/// Part 1 verdict (<see cref="PerfLeakAnalysis"/>) on a counter log's pool counters.
/// </summary>
public static class PerfLeakCommand
{
    public const string Usage = "usage: ntdbg perflog leak <log.blg|.csv|.tsv> [--counter <path>...] [--ram <bytes|MB|GB>] [--pool-max <bytes|MB|GB>] [--json]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? file = null;
        var counters = new List<string>();
        double? ram = null, poolMax = null;
        bool json = false;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            if (args[i] == "--counter" && value.Length > 0) { counters.Add(value); i++; }
            else if (args[i] == "--ram" && TryParseSize(value, out double r)) { ram = r; i++; }
            else if (args[i] == "--pool-max" && TryParseSize(value, out double m)) { poolMax = m; i++; }
            else if (args[i] == "--json") json = true;
            else if (file == null && !args[i].StartsWith('-')) file = args[i];
            else return Fail(error, $"unexpected '{args[i]}'" + (args[i] is "--ram" or "--pool-max" ? $" (a size: bytes, or with KB/MB/GB/TB)" : ""));
        }
        if (file == null) return Fail(error, "a log file is required");
        if (!File.Exists(file))
        {
            error.WriteLine($"ntdbg perflog leak: no file '{file}'");
            return 2;
        }
        CounterLog log;
        try
        {
            log = PerfLogFile.Read(file);
        }
        catch (DumpFormatException e)
        {
            error.WriteLine($"ntdbg perflog leak: {e.Message}");
            return 1;
        }
        PerfLeakReport report;
        try
        {
            report = PerfLeakAnalysis.Run(log, new PerfLeakOptions { Counters = counters, RamBytes = ram, PoolMaxBytes = poolMax });
        }
        catch (FormatException e)
        {
            return Fail(error, $"--counter: {e.Message}");
        }
        if (report.Counters.Count == 0)
        {
            error.WriteLine($"ntdbg perflog leak: no counter in '{file}' matches {string.Join(", ", report.NotFound)}");
            return 1;
        }
        return VerbOutput.Write("perflog leak", report, json, output);
    }

    /// <summary>Bytes, or a number with K/KB/M/MB/G/GB/T/TB (binary multiples, as Windows reports RAM).</summary>
    public static bool TryParseSize(string text, out double bytes)
    {
        bytes = 0;
        string t = text.Trim().ToUpperInvariant();
        double unit = 1;
        foreach (var (suffix, size) in new[] { ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1L) })
            if (t.EndsWith(suffix, StringComparison.Ordinal)) { unit = size; t = t[..^suffix.Length].Trim(); break; }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !(n > 0) || !double.IsFinite(n * unit)) return false;
        bytes = n * unit;
        return true;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"ntdbg perflog leak: {message}");
        error.WriteLine(Usage);
        return 2;
    }
}
