using System.Diagnostics;
using System.Globalization;
using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Cli.Bench;

/// <summary>
/// `ntdbg bench kernel --dump path [-y isf] [--runs N] [--translations N] [--processes N] [--no-check]`:
/// the kernel targets of issue 5 on a full dump (made by `ntdbg-synth bench-500 --build 19041
/// --memory 4G -o file`: 4 GiB of RAM, 500 processes).
/// (a) the whole process of `ntdbg -z dump -y isf -c "!process 0 0; q"` in child processes: the
/// first run with an empty ISF cache (cold), then N more sharing it (warm); the warm median is
/// checked against 1 s and every run must print the expected number of processes;
/// (b) N random virtual addresses (default 10 million) translated through the dump's page tables,
/// spread over every process's _EPROCESS (kernel DirBase) and user pages (its own DirBase) and the
/// kernel's large pages; the rate through the translation cache is checked against 20 million/s,
/// the uncached walk rate is reported beside it, and every address must translate to the same
/// physical address both ways.
/// Exits 1 when a target is missed (unless --no-check) or an answer is wrong (always), 2 on bad
/// arguments or a missing dump.
/// </summary>
public static class KernelBenchCommand
{
    public const double ProcessTargetMs = 1000;
    public const double TranslationsPerSecondTarget = 20_000_000;
    private const string Usage = "usage: ntdbg bench kernel --dump path [-y IsfFolder] [--runs N] [--translations N] [--processes N] [--ntdbg path] [--no-check]\n" +
        "       (make the dump with: ./ntdbg-synth bench-500 --build 19041 --memory 4G -o /tmp/ntdbg-bench-500.dmp)";

    public static int Run(string[] args, TextWriter output)
    {
        string? dump = null;
        string? isf = null;
        string? ntdbg = null;
        int runs = 5, processes = 500;
        long translations = 10_000_000;
        bool check = true;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            if (args[i] == "--dump" && value != null) { dump = value; i++; }
            else if (args[i] == "-y" && value != null) { isf = value; i++; }
            else if (args[i] == "--ntdbg" && value != null) { ntdbg = value; i++; }
            else if (args[i] == "--runs" && int.TryParse(value, CultureInfo.InvariantCulture, out int r) && r > 0) { runs = r; i++; }
            else if (args[i] == "--translations" && long.TryParse(value, CultureInfo.InvariantCulture, out long n) && n > 0) { translations = n; i++; }
            else if (args[i] == "--processes" && int.TryParse(value, CultureInfo.InvariantCulture, out int p) && p > 0) { processes = p; i++; }
            else if (args[i] == "--no-check") check = false;
            else { output.WriteLine(Usage); return 2; }
        }
        isf ??= DefaultIsf();
        if (dump == null || !File.Exists(dump)) { output.WriteLine($"bench: {(dump == null ? "--dump is required" : dump + " is missing")}"); output.WriteLine(Usage); return 2; }
        if (isf == null || !Directory.Exists(isf)) { output.WriteLine("bench: the ISF folder is missing (-y; default ../shared/testdata/kernel/isf)"); return 2; }

        output.WriteLine($"dump: {dump} ({new FileInfo(dump).Length >> 20} MiB), ISF tables: {isf}");
        var times = WholeProcess(ntdbg, dump, isf, runs, processes, output);
        double? measured = TranslationRate(dump, isf, translations, output);
        // A wrong answer fails the bench even with --no-check: only the speed targets are waived.
        if (times is not var (coldMs, warmMs) || measured is not double rate) return 1;
        bool ok = warmMs < ProcessTargetMs && rate >= TranslationsPerSecondTarget;
        output.WriteLine($"!process 0 0 whole process ({processes} processes): cold {coldMs:F0} ms, warm median {warmMs:F0} ms (target < {ProcessTargetMs:F0} ms); " +
            $"translations: {rate / 1e6:F1} M/s (target >= {TranslationsPerSecondTarget / 1e6:F0} M/s)");
        return check && !ok ? 1 : 0;
    }

    private static (double Cold, double WarmMedian)? WholeProcess(string? ntdbg, string dump, string isf, int runs, int processes, TextWriter output)
    {
        // A private, empty ISF cache: the first run is cold, the rest find what it stored.
        string cache = Path.Combine(Path.GetTempPath(), $"ntdbg-bench-kernel-cache-{Environment.ProcessId}");
        if (Directory.Exists(cache)) Directory.Delete(cache, true);
        try
        {
            double cold = 0;
            var warm = new List<double>();
            for (int r = 0; r <= runs; r++)
            {
                var psi = ChildProcess(ntdbg);
                foreach (var a in new[] { "-z", dump, "-y", isf, "-c", "!process 0 0; q" }) psi.ArgumentList.Add(a);
                psi.Environment["NTDBG_ISF_CACHE"] = cache;
                var sw = Stopwatch.StartNew();
                using var child = Process.Start(psi)!;
                var errors = child.StandardError.ReadToEndAsync();
                string text = child.StandardOutput.ReadToEnd();
                child.WaitForExit();
                sw.Stop();
                int printed = CountProcesses(text);
                if (child.ExitCode != 0 || printed != processes)
                {
                    output.WriteLine($"bench: !process 0 0 run failed (exit {child.ExitCode}, {printed} processes printed, expected {processes}) {errors.Result.Trim()}");
                    return null;
                }
                double ms = sw.Elapsed.TotalMilliseconds;
                output.WriteLine($"run {r + 1} ({(r == 0 ? "cold: empty ISF cache" : "warm")}): {printed} processes in {ms:F0} ms");
                if (r == 0) cold = ms;
                else warm.Add(ms);
            }
            warm.Sort();
            return (cold, warm[warm.Count / 2]);
        }
        finally
        {
            if (Directory.Exists(cache)) Directory.Delete(cache, true);
        }
    }

    /// <summary>The debugger to time: --ntdbg (an executable, or a .dll run with dotnet), else this very program.</summary>
    private static ProcessStartInfo ChildProcess(string? ntdbg)
    {
        ProcessStartInfo psi;
        if (ntdbg != null && ntdbg.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            psi = new ProcessStartInfo("dotnet");
            psi.ArgumentList.Add(ntdbg);
        }
        else if (ntdbg != null) psi = new ProcessStartInfo(ntdbg);
        else
        {
            psi = new ProcessStartInfo(Environment.ProcessPath!);
            // Run as `dotnet ntdbg.dll` (the ./ntdbg launcher), the host needs the assembly again.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
                psi.ArgumentList.Add(typeof(KernelBenchCommand).Assembly.Location);
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        return psi;
    }

    private static int CountProcesses(string text)
    {
        int n = 0;
        foreach (var line in text.Split('\n'))
            if (line.StartsWith("PROCESS ", StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>Translations per second through the cache; prints the uncached walk rate too.</summary>
    private static double? TranslationRate(string dump, string isf, long count, TextWriter output)
    {
        using var target = TargetLoader.Open(dump);
        if (target is not KernelDumpTarget { AddressSpace: { } kernel })
        {
            output.WriteLine("bench: the dump has no page tables to translate through (not a full/bitmap kernel dump)");
            return null;
        }
        var session = new DebugSession(target, isf);
        var outcome = new CommandExecutor(session).Execute("!process 0 0");
        var list = (outcome.Result as CompositeResult)?.Outcomes.Select(o => o.Result).OfType<ProcessResult>().ToList() ?? [];
        var samples = TranslationSamples.Collect(kernel, list);
        if (samples.Pages.Count == 0)
        {
            output.WriteLine("bench: no mapped pages found to translate");
            return null;
        }
        output.WriteLine($"translation set: {samples.Pages.Count:N0} mapped pages ({samples.UserPages:N0} user pages of {list.Count} processes, {samples.ObjectPages:N0} _EPROCESS pages, {samples.LargePagePages:N0} 4 KiB pieces of large pages) in {samples.Spaces.Count} address spaces");

        // One fixed pool of random addresses (a fixed seed keeps runs comparable), cycled to reach the count.
        const int Pool = 1 << 20;
        var rng = new Random(0x5eed);
        var vas = new ulong[Pool];
        var spaces = new PageTableAddressSpace[Pool];
        for (int i = 0; i < Pool; i++)
        {
            var (space, page) = samples.Pages[rng.Next(samples.Pages.Count)];
            vas[i] = page | (uint)rng.Next(0x1000);
            spaces[i] = samples.Spaces[space];
        }

        // The uncached walk over the pool: first the reference answers (and JIT warm-up), then timed.
        var expected = new ulong[Pool];
        for (int i = 0; i < Pool; i++)
        {
            if (!spaces[i].TryWalk(vas[i], out var t, out var fault))
            {
                output.WriteLine($"bench: 0x{vas[i]:x} does not translate: {fault?.Detail}");
                return null;
            }
            expected[i] = t.PhysicalAddress;
        }
        var sw = Stopwatch.StartNew();
        ulong sum = 0;
        for (int i = 0; i < Pool; i++)
        {
            spaces[i].TryWalk(vas[i], out var t, out _);
            sum += t.PhysicalAddress;
        }
        double walkRate = Pool / sw.Elapsed.TotalSeconds;
        GC.KeepAlive(sum);

        var cache = kernel.Physical.Translations;
        long hits0 = cache.Hits, misses0 = cache.Misses;
        long done = 0, wrong = 0;
        sw.Restart();
        while (done < count)
        {
            int n = (int)Math.Min(Pool, count - done);
            for (int i = 0; i < n; i++)
            {
                spaces[i].TryTranslate(vas[i], out var t, out _);
                if (t.PhysicalAddress != expected[i]) wrong++;
            }
            done += n;
        }
        sw.Stop();
        double rate = done / sw.Elapsed.TotalSeconds;
        long hits = cache.Hits - hits0, misses = cache.Misses - misses0;
        output.WriteLine($"translations: {done:N0} random addresses in {sw.Elapsed.TotalMilliseconds:F0} ms = {rate / 1e6:F1} M/s through the cache " +
            $"({hits * 100.0 / Math.Max(1, hits + misses):F1}% hits); uncached page walks: {walkRate / 1e6:F1} M/s");
        if (wrong != 0)
        {
            output.WriteLine($"bench: {wrong:N0} cached translations differ from the page walk");
            return null;
        }
        return rate;
    }

    /// <summary>The ISF folder: NTDBG_SHARED_TESTDATA's, else ../shared/testdata/kernel/isf beside the repository.</summary>
    public static string? DefaultIsf()
    {
        var env = Environment.GetEnvironmentVariable("NTDBG_SHARED_TESTDATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "kernel", "isf"))) return Path.Combine(env, "kernel", "isf");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx"))) continue;
                string p = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata", "kernel", "isf"));
                if (Directory.Exists(p)) return p;
                break;
            }
        return null;
    }
}
