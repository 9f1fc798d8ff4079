using System.Diagnostics;
using System.Globalization;
using Ntdbg.Commands.Commands.Pool;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// `ntdbg bench pool --dump path [-y isf] [--runs N] [--tags N] [--no-check]`: the `!poolused`
/// target of issue 6 on the kernel benchmarks' dump (`ntdbg-synth bench-500 --build 19041
/// --memory 4G -o file`: 3,000 tags over eight processors' tracker tables and the expansion
/// table). Each run opens the dump and its symbols afresh (untimed), then times the first
/// `!poolused` of that session — reading every tracker table, summing by tag, sorting, and loading
/// pooltag.txt when one is found. The median of the runs is checked against 200 ms, and every run
/// must list the expected number of tags from more than one table with no entry missing.
/// Exits 1 when the target is missed (unless --no-check) or an answer is wrong (always), 2 on bad
/// arguments or a missing dump.
/// </summary>
public static class PoolBenchCommand
{
    public const double TargetMs = 200;
    private const string Usage = "usage: ntdbg bench pool --dump path [-y IsfFolder] [--runs N] [--tags N] [--no-check]\n" +
        "       (make the dump with: ./ntdbg-synth bench-500 --build 19041 --memory 4G -o /tmp/ntdbg-bench-500.dmp)";

    public static int Run(string[] args, TextWriter output)
    {
        string? dump = null;
        string? isf = null;
        int runs = 7, tags = 3000;
        bool check = true;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            if (args[i] == "--dump" && value != null) { dump = value; i++; }
            else if (args[i] == "-y" && value != null) { isf = value; i++; }
            else if (args[i] == "--runs" && int.TryParse(value, CultureInfo.InvariantCulture, out int r) && r > 0) { runs = r; i++; }
            else if (args[i] == "--tags" && int.TryParse(value, CultureInfo.InvariantCulture, out int t) && t > 0) { tags = t; i++; }
            else if (args[i] == "--no-check") check = false;
            else { output.WriteLine(Usage); return 2; }
        }
        isf ??= KernelBenchCommand.DefaultIsf();
        if (dump == null || !File.Exists(dump)) { output.WriteLine($"bench: {(dump == null ? "--dump is required" : dump + " is missing")}"); output.WriteLine(Usage); return 2; }
        if (isf == null || !Directory.Exists(isf)) { output.WriteLine("bench: the ISF folder is missing (-y; default ../shared/testdata/kernel/isf)"); return 2; }

        output.WriteLine($"dump: {dump} ({new FileInfo(dump).Length >> 20} MiB), ISF tables: {isf}");
        var times = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            using var target = TargetLoader.Open(dump);
            var session = new DebugSession(target, isf);
            // Opening includes the kernel's symbols: resolve one so the table is loaded before the clock starts.
            if (!session.SymbolTable.TryResolve("nt!PoolTrackTable", out _)) { output.WriteLine("bench: the kernel's symbols have no nt!PoolTrackTable"); return 1; }
            var sw = Stopwatch.StartNew();
            var outcome = new CommandExecutor(session).Execute("!poolused");
            sw.Stop();
            if (outcome.Result is not PoolUsedResult result) { output.WriteLine($"bench: !poolused failed: {outcome.Error}"); return 1; }
            string? wrong = result.Tags.Count != tags ? $"{result.Tags.Count} tags listed, expected {tags}"
                : result.Sources.Count < 2 ? $"only {result.Sources.Count} tracker table read"
                : result.Notes.FirstOrDefault(n => n.Contains("not in the dump", StringComparison.Ordinal));
            if (wrong != null) { output.WriteLine($"bench: wrong answer: {wrong}"); return 1; }
            double ms = sw.Elapsed.TotalMilliseconds;
            times.Add(ms);
            long entries = result.Sources.Aggregate(0L, (a, s) => a + (long)s.Entries);
            output.WriteLine($"run {r + 1}: {result.Tags.Count} tags from {result.Sources.Count} tables ({entries:N0} entries) in {ms:F1} ms");
        }
        times.Sort();
        double median = times[times.Count / 2];
        output.WriteLine($"!poolused after open: median {median:F1} ms over {runs} runs (target < {TargetMs:F0} ms)");
        return check && median >= TargetMs ? 1 : 0;
    }
}
