using System.Diagnostics;
using System.Globalization;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// `ntdbg bench analyze [--dump path] [-y path] [--runs N] [--no-check]`: the two stack
/// targets on a ~1 MB minidump with its symbols on local disk (default: the repository's
/// deepstack-x64 fixture, 1.2 MB, 6 threads).
/// (a) the whole process of `ntdbg -z dump -y path -c "!analyze -v; q"`, run N times in child
/// processes (default 5), median checked against 0.5 s;
/// (b) stack walking: every thread's stack walked again and again for a second after one warm-up
/// walk (symbols loaded, images mapped), frames per second checked against 10,000.
/// Exits 1 when a target is missed (unless --no-check), 2 on bad arguments or a missing dump.
/// </summary>
public static class AnalyzeBenchCommand
{
    public const double ProcessTargetMs = 500;
    public const double FramesPerSecondTarget = 10_000;

    public static int Run(string[] args, TextWriter output)
    {
        string root = RepoRoot();
        string dump = Path.Combine(root, "fixtures/out/deepstack-x64.dmp");
        string symbols = Path.Combine(root, "fixtures/out");
        int runs = 5;
        bool check = true;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--dump" && i + 1 < args.Length) dump = args[++i];
            else if (args[i] == "-y" && i + 1 < args.Length) symbols = args[++i];
            else if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--no-check") check = false;
            else
            {
                output.WriteLine("usage: ntdbg bench analyze [--dump path] [-y SymbolPath] [--runs N] [--no-check]");
                return 2;
            }
        }
        if (!File.Exists(dump))
        {
            output.WriteLine($"bench: {dump} is missing");
            return 2;
        }
        output.WriteLine($"dump: {dump} ({new FileInfo(dump).Length / 1024} KiB), symbols: {symbols}");
        double processMs = WholeProcess(dump, symbols, runs, output);
        double framesPerSecond = WalkRate(dump, symbols, output);
        bool ok = processMs < ProcessTargetMs && framesPerSecond >= FramesPerSecondTarget;
        output.WriteLine($"!analyze -v whole process: median {processMs:F0} ms (target < {ProcessTargetMs:F0} ms); stack walking: {framesPerSecond:F0} frames/s (target >= {FramesPerSecondTarget:F0})");
        return check && !ok ? 1 : 0;
    }

    private static double WholeProcess(string dump, string symbols, int runs, TextWriter output)
    {
        var times = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // Run as `dotnet ntdbg.dll` (the ./ntdbg launcher), the host needs the assembly again.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                psi.ArgumentList.Add(typeof(AnalyzeBenchCommand).Assembly.Location);
            foreach (var a in new[] { "-z", dump, "-y", symbols, "-c", "!analyze -v; q" }) psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var child = Process.Start(psi)!;
            string text = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            sw.Stop();
            if (child.ExitCode != 0 || !text.Contains("FAILURE_BUCKET_ID", StringComparison.Ordinal))
            {
                output.WriteLine($"bench: !analyze run failed (exit {child.ExitCode})");
                return double.MaxValue;
            }
            times.Add(sw.Elapsed.TotalMilliseconds);
            output.WriteLine($"run {r + 1}: !analyze -v process {sw.Elapsed.TotalMilliseconds:F0} ms");
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static double WalkRate(string dump, string symbols, TextWriter output)
    {
        using var target = TargetLoader.Open(dump);
        var session = new DebugSession(target, symbols);
        var contexts = target.Threads.Select(t => t.Context).OfType<Targets.Model.RegisterContext>().ToList();
        if (target.Exception?.Context is { } ex) contexts.Add(ex);
        foreach (var c in contexts) session.Stacks.Walk(c, 256); // warm-up: symbols and images load here
        long frames = 0;
        var sw = Stopwatch.StartNew();
        int walks = 0;
        while (sw.Elapsed.TotalSeconds < 1.0)
        {
            foreach (var c in contexts) frames += session.Stacks.Walk(c, 256).Frames.Count;
            walks++;
        }
        sw.Stop();
        double rate = frames / sw.Elapsed.TotalSeconds;
        output.WriteLine($"stack walking: {walks} passes over {contexts.Count} contexts, {frames} frames in {sw.Elapsed.TotalMilliseconds:F0} ms = {rate:F0} frames/s");
        return rate;
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
