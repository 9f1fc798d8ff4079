using System.Diagnostics;
using System.Globalization;
using Ntdbg.Analyses.Pool;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// `ntdbg bench findtag [--size-mb N] [--tag T] [--runs N] [--no-check]`: `ntdbg pool findtag`
/// over N MB (default 200) of driver files: the shared symbol store's drivers (amdppm.sys,
/// Wdf01000.sys) copied under numbered names into a temporary folder until it holds N MB. Each run
/// is the whole `ntdbg pool findtag T --dir folder` process (start-up and JIT included), the
/// median is checked against 2 s; every run must find the tag's pool calls in every copy.
/// Exits 1 when the target is missed (unless --no-check), 2 on bad arguments or missing drivers.
/// </summary>
public static class FindTagBenchCommand
{
    public const double TargetSeconds = 2.0;
    public const string Store = "kernel/symstore";
    private static readonly string[] Drivers = ["amdppm.sys", "Wdf01000.sys"];

    public static int Run(string[] args, TextWriter output)
    {
        long sizeMb = 200;
        int runs = 3;
        string tag = "Prcr";
        bool check = true;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--size-mb" && i + 1 < args.Length && long.TryParse(args[i + 1], CultureInfo.InvariantCulture, out long mb) && mb > 0) { sizeMb = mb; i++; }
            else if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int r) && r > 0) { runs = r; i++; }
            else if (args[i] == "--tag" && i + 1 < args.Length) tag = args[++i];
            else if (args[i] == "--no-check") check = false;
            else
            {
                output.WriteLine("usage: ntdbg bench findtag [--size-mb N] [--tag T] [--runs N] [--no-check]");
                return 2;
            }
        }
        List<string> sources = [.. FindDrivers()];
        if (sources.Count == 0)
        {
            output.WriteLine($"bench: no drivers under {Store} of the shared test data (set NTDBG_SHARED_TESTDATA)");
            return 2;
        }
        string folder = Directory.CreateTempSubdirectory("ntdbg-bench-findtag-").FullName;
        try
        {
            var (files, bytes) = Fill(folder, sources, sizeMb << 20);
            var pattern = PoolTagPattern.Parse(tag);
            int expectedPoolCalls = ExpectedPoolCalls(folder, sources, pattern);
            output.WriteLine($"folder: {folder}: {files} files, {bytes / 1e6:F0} MB; tag '{tag}': {expectedPoolCalls} pool calls expected");
            InProcess(folder, pattern, output);
            var times = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                var (seconds, text, exit) = WholeProcess(tag, folder);
                int found = text.Split('\n').Count(l => l.TrimStart().StartsWith("alloc ", StringComparison.Ordinal) || l.TrimStart().StartsWith("free ", StringComparison.Ordinal));
                output.WriteLine($"run {r + 1}: {seconds:F2} s, {found} pool calls, {bytes / 1e6 / seconds:F0} MB/s");
                if (exit != 0 || found != expectedPoolCalls)
                {
                    output.WriteLine($"bench: pool findtag exited {exit} and found {found} pool calls, expected {expectedPoolCalls}");
                    return 1;
                }
                times.Add(seconds);
            }
            times.Sort();
            double median = times[times.Count / 2];
            output.WriteLine($"pool findtag over {bytes / 1e6:F0} MB of drivers: median {median:F2} s (target < {TargetSeconds:F1} s, whole process)");
            return check && median >= TargetSeconds ? 1 : 0;
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>The drivers in the store (symbol-store layout: &lt;store&gt;/&lt;name&gt;/&lt;key&gt;/&lt;name&gt;).</summary>
    private static IEnumerable<string> FindDrivers()
    {
        string? store = SharedTestData.FindDirectory(Store);
        if (store == null) yield break;
        foreach (string d in Drivers)
            if (Directory.Exists(Path.Combine(store, d)) && Directory.EnumerateFiles(Path.Combine(store, d), d, SearchOption.AllDirectories).FirstOrDefault() is { } f)
                yield return f;
    }

    private static (int Files, long Bytes) Fill(string folder, List<string> sources, long target)
    {
        int n = 0;
        long total = 0;
        while (total < target)
        {
            string source = sources[n % sources.Count];
            File.Copy(source, Path.Combine(folder, $"drv{n:D5}_{Path.GetFileName(source)}"));
            total += new FileInfo(source).Length;
            n++;
        }
        return (n, total);
    }

    /// <summary>Pool calls per source file (scanned once here) times its copies: what each run must find.</summary>
    private static int ExpectedPoolCalls(string folder, List<string> sources, PoolTagPattern tag)
    {
        int total = 0;
        foreach (string source in sources)
        {
            var hits = new List<PoolTagCodeHit>();
            PoolTagFinder.FindInFile(source, tag, null, hits, []);
            int copies = Directory.EnumerateFiles(folder, "*_" + Path.GetFileName(source)).Count();
            total += hits.Count(h => h.IsPoolCall) * copies;
        }
        return total;
    }

    /// <summary>Where the time goes: the scan and the text rendering, in this (warm) process.</summary>
    private static void InProcess(string folder, PoolTagPattern tag, TextWriter output)
    {
        var sw = Stopwatch.StartNew();
        var result = Commands.Commands.Pool.FindTag.PoolFindTag.Run(tag, null, folder);
        double scan = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var text = new StringWriter();
        Commands.Rendering.Text.TextRendering.Default.Render(new Commands.Engine.CommandOutcome("pool findtag", result, null), text);
        output.WriteLine($"in process (warm): scan {scan:F2} s, text {sw.Elapsed.TotalSeconds:F2} s ({text.GetStringBuilder().Length / 1024} KiB)");
    }

    private static (double Seconds, string Text, int Exit) WholeProcess(string tag, string folder)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            psi.ArgumentList.Add(typeof(FindTagBenchCommand).Assembly.Location);
        foreach (var a in new[] { "pool", "findtag", tag, "--dir", folder }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var child = Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        sw.Stop();
        _ = stderr.Result;
        return (sw.Elapsed.TotalSeconds, text, child.ExitCode);
    }
}
