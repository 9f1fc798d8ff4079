namespace Ntdbg.Synth.PerfLogs;

/// <summary>
/// Generates counter logs with a known truth: pool counters that leak (linear, step-wise, slow),
/// follow load (daily or hourly cycles, bursts that rise and fall back), leak on top of load, stay
/// flat, or are too short to judge; modified by reboots (a time gap, then the pool back at its boot
/// level), NaN gaps, clock changes (DST back/forward) and three noise levels. Deterministic per seed.
/// The subject is \Memory\Pool Nonpaged Bytes; the log also has the load and memory counters a
/// perfmon log of the seed's logman command would (processor, server work queues, disk, network,
/// Available/Committed Bytes, Commit Limit, Pool Paged Bytes).
/// </summary>
public static class PerfLogSimulator
{
    public const string Subject = @"\Memory\Pool Nonpaged Bytes";
    const double MB = 1024 * 1024;
    static readonly DateTime Start = new(2026, 3, 2, 8, 0, 0);

    public static readonly string[] Kinds =
        ["leak-linear", "leak-step", "leak-slow", "leak-on-load", "load-daily", "load-hourly", "load-bursts", "stable", "short"];

    static readonly double[] NoiseLevels = [0.002, 0.01, 0.03];

    /// <summary>The truth table: every kind × noise level × <paramref name="perCell"/> seeds, modifiers drawn per seed.</summary>
    public static IReadOnlyList<PerfLogCase> TruthTable(int perCell = 9)
    {
        var cases = new List<PerfLogCase>();
        int seed = 1000;
        foreach (var kind in Kinds)
            foreach (var noise in NoiseLevels)
                for (int k = 0; k < perCell; k++)
                    cases.Add(Make(kind, noise, seed++));
        return cases;
    }

    public static PerfLogCase Make(string kind, double noise, int seed)
    {
        var rng = new Random(seed);
        var p = new Dictionary<string, double> { ["noise"] = noise };
        var modifiers = new List<string>();
        double ram = Pick(rng, [1, 2, 4, 8, 16]) * 1024 * MB;
        double baseline = ram * Uniform(rng, 0.03, 0.08);
        p["ramBytes"] = ram;
        p["baselineBytes"] = baseline;
        bool cyclic = kind is "load-daily" or "leak-on-load";
        double period = kind == "load-hourly" ? Uniform(rng, 1, 3) : 24;
        double intervalMinutes = kind switch
        {
            "load-daily" or "leak-on-load" => Pick(rng, [5, 10, 15]),
            "load-hourly" => Pick(rng, [1, 2]),
            "short" => 5,
            _ => Pick(rng, [1, 5, 15]),
        };
        double spanHours = kind switch
        {
            "load-daily" or "leak-on-load" => Uniform(rng, 3.3, 7) * 24,
            "load-hourly" => period * Uniform(rng, 4, 10),
            "short" => Uniform(rng, 0.2, 0.8),
            _ => intervalMinutes * Uniform(rng, 100, 900) / 60,
        };
        if (cyclic) period = 24;
        int n = Math.Max(3, (int)(spanHours * 60 / intervalMinutes) + 1);
        p["intervalMinutes"] = intervalMinutes;
        p["spanHours"] = spanHours;
        if (kind is "load-daily" or "load-hourly" or "leak-on-load") p["periodHours"] = period;

        var t = Enumerable.Range(0, n).Select(i => i * intervalMinutes / 60).ToArray();
        var load = new double[n];
        var pool = new double[n];
        double amplitude = kind is "load-daily" or "load-hourly" or "load-bursts" or "leak-on-load" ? baseline * Uniform(rng, 0.2, 1.5) : 0;
        if (amplitude > 0) p["loadAmplitudeBytes"] = amplitude;
        if (kind is "load-daily" or "load-hourly" or "leak-on-load")
        {
            // A cycle per period whose height varies day to day; the troughs return to no load.
            double phase = Uniform(rng, 0, 2 * Math.PI);
            var heights = Enumerable.Range(0, (int)(spanHours / period) + 2).Select(_ => Uniform(rng, 0.7, 1.0)).ToArray();
            for (int i = 0; i < n; i++)
            {
                double theta = 2 * Math.PI * t[i] / period + phase;
                load[i] = heights[(int)((theta - phase) / (2 * Math.PI))] * (1 - Math.Cos(theta)) / 2;
            }
        }
        if (kind == "load-bursts")
        {
            int bursts = rng.Next(3, 9);
            p["bursts"] = bursts;
            for (int b = 0; b < bursts; b++)
            {
                double at = Uniform(rng, 0, spanHours * 0.9), length = spanHours * Uniform(rng, 0.03, 0.1), height = Uniform(rng, 0.5, 1);
                double ramp = length / 4;
                for (int i = 0; i < n; i++)
                {
                    double x = t[i] - at;
                    double shape = x < 0 || x > length + ramp ? 0 : x < ramp ? x / ramp : x < length ? 1 : 1 - (x - length) / ramp;
                    load[i] = Math.Max(load[i], height * shape);
                }
            }
        }

        double growth = kind switch
        {
            "leak-linear" => baseline * Uniform(rng, 0.3, 4),
            "leak-step" => baseline * Uniform(rng, 0.5, 3),
            "leak-slow" => baseline * Uniform(rng, 0.08, 0.2),
            "leak-on-load" => baseline * Uniform(rng, 0.4, 2),
            _ => 0,
        };
        if (growth > 0) p["growthBytes"] = growth;
        var leak = new double[n];
        if (kind == "leak-step")
        {
            int steps = rng.Next(4, 13);
            p["steps"] = steps;
            var times = Enumerable.Range(0, steps).Select(_ => Uniform(rng, 0.02, 0.98) * spanHours).Order().ToArray();
            for (int i = 0; i < n; i++) leak[i] = growth * times.Count(x => x <= t[i]) / steps;
        }
        else if (growth > 0)
            for (int i = 0; i < n; i++) leak[i] = growth * t[i] / spanHours;

        // Reboots: a third of the cases reboot 1–2 times; the collector is down for at least 3 intervals.
        var rebootAt = new List<int>();
        // Not for daily cycles: a boot segment must span about three load cycles for the floor test;
        // not for slow leaks: split across boots, each boot's growth sinks into the noise.
        if (kind is not ("short" or "stable" or "load-daily" or "leak-on-load" or "leak-slow") && rng.NextDouble() < 0.33)
        {
            int reboots = rng.Next(1, 3);
            if (kind == "load-hourly" && spanHours / (reboots + 1) < 3.5 * period) reboots = 0;
            for (int r = 0; r < reboots; r++) rebootAt.Add((int)(n * (r + 1) / (reboots + 1.0)));
            if (reboots > 0) modifiers.Add($"reboots:{reboots}");
        }
        double leakOffset = 0;
        int nextReboot = 0;
        var shift = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (nextReboot < rebootAt.Count && i == rebootAt[nextReboot]) { leakOffset = leak[i]; nextReboot++; }
            pool[i] = baseline + amplitude * load[i] + (leak[i] - leakOffset) + noise * baseline * Gaussian(rng);
            if (rng.NextDouble() < 0.002) pool[i] += baseline * Uniform(rng, -0.2, 0.3); // a rare glitch
        }

        var timestamps = new DateTime[n];
        double extra = 0;
        int rebootIndex = 0;
        int clockAt = -1;
        double clockShift = 0;
        if (n > 40 && rng.NextDouble() < 0.25)
        {
            clockAt = rng.Next(n / 5, 4 * n / 5);
            clockShift = rng.NextDouble() < 0.5 ? -1 : 1;
            modifiers.Add(clockShift < 0 ? "clock-back-1h" : "clock-forward-1h");
        }
        for (int i = 0; i < n; i++)
        {
            if (rebootIndex < rebootAt.Count && i == rebootAt[rebootIndex]) { extra += Math.Max(Uniform(rng, 0.15, 0.5), 3 * intervalMinutes / 60); rebootIndex++; }
            if (i == clockAt) extra += clockShift;
            timestamps[i] = Start.AddHours(t[i] + extra);
        }
        if (n > 40 && rng.NextDouble() < 0.3)
        {
            int runs = rng.Next(1, 5);
            for (int r = 0; r < runs; r++)
            {
                int at = rng.Next(1, n - 1), length = rng.Next(1, Math.Max(2, n / 30));
                for (int i = at; i < Math.Min(n, at + length); i++) pool[i] = double.NaN;
            }
            modifiers.Add($"nan-gaps:{runs}");
        }

        string expected = kind switch
        {
            "short" => "Inconclusive",
            "stable" => "Stable",
            "load-daily" or "load-hourly" or "load-bursts" => "LoadRelated",
            _ => "Leak",
        };
        var truth = new PerfLogTruth($"{kind}-n{noise * 100:0.#}-s{seed}", kind, seed, Subject, expected,
            LoadOnly: kind.StartsWith("load-", StringComparison.Ordinal), p, modifiers);
        return new PerfLogCase(truth, Log(rng, timestamps, pool, load, ram, baseline));
    }

    /// <summary>
    /// The seed's Part 1 example: nonpaged pool grows steadily to 540 MB on a 1 GB machine. The blog
    /// prints no time span; the logman command it gives samples every 5 minutes "for several hours",
    /// so this assumes 6 hours (73 samples) from a 40 MB boot level.
    /// </summary>
    public static SimulatedPerfLog SeedExample()
    {
        var rng = new Random(540);
        int n = 73;
        var t = Enumerable.Range(0, n).Select(i => i * 5 / 60.0).ToArray();
        var pool = t.Select(h => 40 * MB + 500 * MB * h / 6 + 0.5 * MB * Gaussian(rng)).ToArray();
        pool[^1] = 540 * MB;
        var timestamps = t.Select(h => Start.AddHours(h)).ToArray();
        return Log(rng, timestamps, pool, new double[n], 1024 * MB, 40 * MB);
    }

    /// <summary>The same machine under load that rises and falls back: pool follows the load, then returns.</summary>
    public static SimulatedPerfLog SeedLoadRiseAndFall()
    {
        var rng = new Random(541);
        int n = 73;
        var t = Enumerable.Range(0, n).Select(i => i * 5 / 60.0).ToArray();
        var load = t.Select(h => h < 1 || h > 5 ? 0 : h < 3 ? (h - 1) / 2 : (5 - h) / 2).ToArray();
        var pool = t.Select((h, i) => 40 * MB + 300 * MB * load[i] + 0.5 * MB * Gaussian(rng)).ToArray();
        var timestamps = t.Select(h => Start.AddHours(h)).ToArray();
        return Log(rng, timestamps, pool, load, 1024 * MB, 40 * MB);
    }

    static SimulatedPerfLog Log(Random rng, DateTime[] timestamps, double[] pool, double[] load, double ram, double baseline)
    {
        int n = timestamps.Length;
        double[] Make(Func<int, double> f) => Enumerable.Range(0, n).Select(f).ToArray();
        var cpu = Make(i => Math.Clamp(5 + 80 * load[i] + 3 * Gaussian(rng), 0, 100));
        var queue = Make(i => Math.Max(0, Math.Round(6 * load[i] + Gaussian(rng))));
        var disk = Make(i => Math.Max(0, 20 + 400 * load[i] + 10 * Gaussian(rng)));
        var network = Make(i => Math.Max(0, 1e4 + 5e6 * load[i] + 1e3 * Gaussian(rng)));
        var paged = Make(i => baseline * 2 + 0.01 * baseline * Gaussian(rng));
        var committed = Make(i => ram * 0.4 + (double.IsFinite(pool[i]) ? pool[i] : baseline));
        var available = Make(i => Math.Max(ram * 0.03, ram * 0.85 - (double.IsFinite(pool[i]) ? pool[i] : baseline) - paged[i] * 0.5));
        var limit = Make(_ => ram * 1.5);
        return new SimulatedPerfLog("SIMHOST", "Pacific Standard Time", timestamps,
        [
            (Subject, pool),
            (@"\Memory\Pool Paged Bytes", paged),
            (@"\Memory\Available Bytes", available),
            (@"\Memory\Committed Bytes", committed),
            (@"\Memory\Commit Limit", limit),
            (@"\Processor(_Total)\% Processor Time", cpu),
            (@"\Server Work Queues(0)\Queue Length", queue),
            (@"\PhysicalDisk(_Total)\Disk Transfers/sec", disk),
            (@"\Network Interface(Ethernet)\Bytes Total/sec", network),
        ]);
    }

    static double Uniform(Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
    static double Pick(Random rng, double[] choices) => choices[rng.Next(choices.Length)];

    static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
