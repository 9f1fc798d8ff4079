using System.Diagnostics;
using Ntdbg.Commands.Commands.Search;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// `ntdbg bench search [--size-mb N] [--runs N]`: writes a synthetic dump of N MiB, then times
/// `s -a` over all of it through the dump reader and the command layer, on one thread.
/// Prints the throughput and fails (exit 1) below the 1 GB/s target. Then the seed's owner search,
/// `s -q 0 L?7fffffffffffffff &lt;value&gt;` over the whole 64-bit user range of the same dump, must take
/// under <see cref="QwordTargetSeconds"/> (only memory the dump holds is scanned).
/// </summary>
public static class BenchCommand
{
    public const double TargetGBps = 1.0;
    public const double QwordTargetSeconds = 1.0;
    /// <summary>The planted qword (a heap handle as the seed searched for): its bytes are unlikely in the random fill.</summary>
    private const ulong PlantedQword = 0x0000_0000_033a_0000;

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length > 0 && args[0] == "symbols") return SymbolBenchCommand.Run(args[1..], output);
        if (args.Length > 0 && args[0] == "analyze") return AnalyzeBenchCommand.Run(args[1..], output);
        if (args.Length > 0 && args[0] == "kernel") return KernelBenchCommand.Run(args[1..], output);
        if (args.Length > 0 && args[0] == "pool") return PoolBenchCommand.Run(args[1..], output);
        if (args.Length > 0 && args[0] == "findtag") return FindTagBenchCommand.Run(args[1..], output);
        if (args.Length > 0 && args[0] == "perflog") return PerfLogBenchCommand.Run(args[1..], output);
        if (args.Length > 0 && args[0] == "heap") return HeapBenchCommand.Run(args[1..], output);
        if (args.Length == 0 || args[0] != "search")
        {
            output.WriteLine("usage: ntdbg bench search [--size-mb N] [--runs N] [--no-check]");
            output.WriteLine("       ntdbg bench symbols [--pdb path] [--lookups N] [--no-check]");
            output.WriteLine("       ntdbg bench findtag [--size-mb N] [--tag T] [--runs N] [--no-check]");
            output.WriteLine("       ntdbg bench kernel --dump path [-y IsfFolder] [--runs N] [--translations N] [--processes N] [--no-check]");
            output.WriteLine("       ntdbg bench pool --dump path [-y IsfFolder] [--runs N] [--tags N] [--no-check]");
            output.WriteLine("       ntdbg bench perflog [--size-mb N] [--counters N] [--runs N] [--no-check]");
            output.WriteLine("       ntdbg bench heap [-y IsfFolder] [--allocations N] [--runs N] [--no-check]");
            return 2;
        }
        long sizeMb = 1024;
        int runs = 3;
        bool check = true;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--size-mb" && i + 1 < args.Length) sizeMb = long.Parse(args[++i]);
            else if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i]);
            else if (args[i] == "--no-check") check = false;
        }
        long bytes = sizeMb * 1024 * 1024;
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-bench-{Environment.ProcessId}.dmp");
        var plants = new List<(long, byte[])>();
        for (int i = 1; i <= 8; i++) plants.Add((bytes / 9 * i, "Leak"u8.ToArray()));
        for (int i = 1; i <= 8; i++) plants.Add((bytes / 9 * i / 8 * 8 + 64, BitConverter.GetBytes(PlantedQword)));
        try
        {
            SyntheticDumpWriter.Write(path, bytes, plants);
            using var target = TargetLoader.Open(path);
            var session = new DebugSession(target);
            var executor = new CommandExecutor(session);
            string cmd = $"s -a {SyntheticDumpWriter.BaseAddress:x} L?{bytes:x} \"Leak\"";
            double best = 0;
            for (int r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                var outcome = executor.Execute(cmd);
                sw.Stop();
                if (outcome.Result is not SearchResult result) { output.WriteLine($"bench: search failed: {outcome.Error}"); return 1; }
                double gbps = result.BytesScanned / sw.Elapsed.TotalSeconds / 1e9;
                best = Math.Max(best, gbps);
                output.WriteLine($"run {r + 1}: scanned {result.BytesScanned / (1024 * 1024)} MiB in {sw.Elapsed.TotalMilliseconds:F0} ms = {gbps:F2} GB/s, {result.Hits.Count} hits");
                if (result.Hits.Count < 8) { output.WriteLine("bench: expected at least 8 hits"); return 1; }
            }
            output.WriteLine($"s -a over {sizeMb} MiB: best {best:F2} GB/s (target {TargetGBps:F1} GB/s on one core)");
            double qwordBest = QwordPass(executor, runs, output);
            if (qwordBest < 0) return 1;
            output.WriteLine($"s -q 0 L?7fffffffffffffff over {sizeMb} MiB: best {qwordBest * 1000:F0} ms (target < {QwordTargetSeconds * 1000:F0} ms)");
            return check && (best < TargetGBps || qwordBest >= QwordTargetSeconds) ? 1 : 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The best time in seconds of the whole-address-space qword search, or -1 when it failed or missed the plants.</summary>
    private static double QwordPass(CommandExecutor executor, int runs, TextWriter output)
    {
        double best = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            var outcome = executor.Execute($"s -q 0 L?7fffffffffffffff {PlantedQword:x}");
            sw.Stop();
            if (outcome.Result is not SearchResult result) { output.WriteLine($"bench: s -q failed: {outcome.Error}"); return -1; }
            output.WriteLine($"s -q run {r + 1}: scanned {result.BytesScanned / (1024 * 1024)} MiB in {sw.Elapsed.TotalMilliseconds:F0} ms, {result.Hits.Count} hits");
            if (result.Hits.Count < 8) { output.WriteLine("bench: s -q expected at least 8 hits"); return -1; }
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
