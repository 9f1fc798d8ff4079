using System.Globalization;

namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// The arguments `perflog chart` and `perflog report` share: the log, <c>--counter</c> followed by
/// one or more counter paths (until the next option), <c>-o</c> file, <c>--title</c>, the
/// picture size (<c>--width</c>, <c>--height</c>), and for the report's leak verdict <c>--ram</c>
/// and <c>--pool-max</c> (as `perflog leak` takes them).
/// </summary>
public sealed record PerfLogVerbArguments(string Log, IReadOnlyList<string> Counters, string Output, string? Title, int Width, int Height)
{
    public double? RamBytes { get; init; }
    public double? PoolMaxBytes { get; init; }

    /// <summary>Parses; returns null and prints the problem (one line) when the arguments are wrong.</summary>
    public static PerfLogVerbArguments? Parse(string verb, string[] args, TextWriter error)
    {
        string? log = null, output = null, title = null;
        int width = 1200, height = 600;
        double? ram = null, poolMax = null;
        var counters = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--counter")
            {
                int before = counters.Count;
                while (i + 1 < args.Length && !IsOption(args[i + 1])) counters.Add(args[++i]);
                if (counters.Count == before) return Fail(error, verb, "--counter needs at least one counter path");
            }
            else if (a == "-o" && i + 1 < args.Length) output = args[++i];
            else if (a == "--title" && i + 1 < args.Length) title = args[++i];
            else if (a == "--width" && i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int w)) width = w;
            else if (a == "--height" && i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int h)) height = h;
            else if (a == "--ram" && verb == "report" && i + 1 < args.Length && PerfLeakCommand.TryParseSize(args[i + 1], out double r)) { ram = r; i++; }
            else if (a == "--pool-max" && verb == "report" && i + 1 < args.Length && PerfLeakCommand.TryParseSize(args[i + 1], out double m)) { poolMax = m; i++; }
            else if (log == null && !IsOption(a)) log = a;
            else return Fail(error, verb, $"unexpected '{a}'");
        }
        if (log == null) return Fail(error, verb, "no log given");
        if (output == null) return Fail(error, verb, "no output file given (-o)");
        return new PerfLogVerbArguments(log, counters, output, title, width, height) { RamBytes = ram, PoolMaxBytes = poolMax };
    }

    // Counter paths begin with '\'; options with '-' (a lone "-" is not used as a file here).
    private static bool IsOption(string arg) => arg.StartsWith('-');

    private static PerfLogVerbArguments? Fail(TextWriter error, string verb, string message)
    {
        error.WriteLine($"ntdbg perflog {verb}: {message}");
        return null;
    }
}
