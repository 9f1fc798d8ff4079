using Ntdbg.Analyses.PoolMon;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.PoolMon;
using Ntdbg.Formats.PoolTags;
using Ntdbg.Symbols.Locators;

namespace Ntdbg.Cli.PoolMon;

/// <summary>
/// `ntdbg poolmon trend &lt;log&gt;... | &lt;folder&gt; [--pooltag file] [--top N] [--order auto|name|mtime] [--min-growth bytes] [--json]`:
/// reads poolmon -n logs / -b screens, orders the snapshots (<see cref="PoolMonSeries"/>) and ranks
/// tags by growth (<see cref="PoolMonTrend"/>), rendered by PoolMonTrendText or as JSON.
/// </summary>
public static class PoolMonCommand
{
    public const string Usage = "usage: ntdbg poolmon trend <log1> [<log2> ...] | <folder> [--pooltag <pooltag.txt>] [--top N] [--order auto|name|mtime] [--min-growth <bytes>] [--json]";

    /// <summary>A folder of logs every 10 minutes for a month is ~4500 files; more is not a poolmon series.</summary>
    public const int MaxFiles = 20_000;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[0] != "trend")
        {
            error.WriteLine(Usage);
            return 2;
        }
        var inputs = new List<string>();
        string? pooltag = null;
        int top = 20;
        double minGrowth = new PoolMonTrendOptions().MinGrowthBytes;
        PoolMonSeriesOrder? order = null;
        bool json = false;
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--pooltag" && i + 1 < args.Length) pooltag = args[++i];
            else if (a == "--top" && i + 1 < args.Length && int.TryParse(args[i + 1], out top) && top > 0) i++;
            else if (a == "--min-growth" && i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out minGrowth) && minGrowth >= 0) i++;
            else if (a == "--order" && i + 1 < args.Length && ParseOrder(args[i + 1], out order)) i++;
            else if (a == "--json") json = true;
            else if (!a.StartsWith('-')) inputs.Add(a);
            else return Fail(error, $"unexpected or incomplete option '{a}'");
        }
        if (inputs.Count == 0) return Fail(error, "no poolmon log or folder given");
        try
        {
            var files = Expand(inputs);
            var logs = files.Select(f => new PoolMonFile(PoolMonParser.Load(f), File.GetLastWriteTimeUtc(f))).ToList();
            var series = PoolMonSeries.Build(logs, order);
            var location = PoolTagLocator.Find(pooltag, new ProcessEnvironment(SymbolPath.FromEnvironment().LocalFolders()));
            if (pooltag != null && location.Path != pooltag) return Fail(error, $"no pooltag file '{pooltag}'");
            var db = location.Path != null ? PoolTagDatabase.Load(location.Path) : null;
            var result = PoolMonTrend.Analyze(series, new PoolMonTrendOptions(top, minGrowth), new TrendsLeakTest(), db, location.Path);
            return VerbOutput.Write("poolmon trend", result, json, output);
        }
        catch (Exception e) when (e is TextFormatException or DumpFormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"ntdbg poolmon: {e.Message}");
            return 1;
        }
    }

    private static bool ParseOrder(string s, out PoolMonSeriesOrder? order)
    {
        order = s switch
        {
            "name" => PoolMonSeriesOrder.FileName,
            "mtime" => PoolMonSeriesOrder.ModificationTime,
            "time" => PoolMonSeriesOrder.Timestamps,
            _ => null,
        };
        return order != null || s == "auto";
    }

    /// <summary>Files as given; a folder contributes its *.txt and *.log files (poolmon -n names are the user's choice).</summary>
    private static List<string> Expand(List<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var inFolder = Directory.EnumerateFiles(input).Where(f => f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".log", StringComparison.OrdinalIgnoreCase)).Take(MaxFiles + 1).ToList();
                if (inFolder.Count == 0) throw new ArgumentException($"no .txt or .log file in folder '{input}'");
                files.AddRange(inFolder);
            }
            else if (File.Exists(input)) files.Add(input);
            else throw new ArgumentException($"no file or folder '{input}'");
            if (files.Count > MaxFiles) throw new ArgumentException($"more than {MaxFiles} files");
        }
        return files;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"ntdbg poolmon: {message}");
        error.WriteLine(Usage);
        return 2;
    }
}
