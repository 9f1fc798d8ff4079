using System.Text.Json;
using Ntdbg.Synth.PerfLogs;

namespace Ntdbg.SynthCli;

/// <summary>
/// `ntdbg-synth perflog &lt;kind&gt; [--noise 0.01] [--seed N] [--tsv] -o file` writes one generated
/// counter log as PDH CSV (or TSV) with its truth beside it (file.truth.json);
/// `ntdbg-synth perflog --truth-table -o dir` writes every case of the truth table and truth.json.
/// Kinds: the simulator's kinds, plus seed-leak (the seed's 540 MB on 1 GB) and seed-load.
/// </summary>
public static class PerfLogSynth
{
    public static string Usage => $"usage: ntdbg-synth perflog <{string.Join("|", PerfLogSimulator.Kinds)}|seed-leak|seed-load> [--noise 0.01] [--seed N] [--tsv] -o <file>\n       ntdbg-synth perflog --truth-table [--tsv] -o <dir>";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? kind = null, target = null;
        double noise = 0.01;
        int seed = 1;
        bool tsv = false, table = false;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            if (args[i] == "-o" && value.Length > 0) { target = value; i++; }
            else if (args[i] == "--noise" && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double n) && n >= 0 && n < 1) { noise = n; i++; }
            else if (args[i] == "--seed" && int.TryParse(value, out int s)) { seed = s; i++; }
            else if (args[i] == "--tsv") tsv = true;
            else if (args[i] == "--truth-table") table = true;
            else if (kind == null && !args[i].StartsWith('-')) kind = args[i];
            else return Fail(error, $"unexpected '{args[i]}'");
        }
        if (target == null) return Fail(error, "-o is required");
        string extension = tsv ? ".tsv" : ".csv";
        char separator = tsv ? '\t' : ',';
        if (table)
        {
            Directory.CreateDirectory(target);
            var cases = PerfLogSimulator.TruthTable();
            foreach (var c in cases) File.WriteAllText(Path.Combine(target, c.Truth.Name + extension), PdhCsvWriter.Write(c.Log, separator));
            File.WriteAllText(Path.Combine(target, "truth.json"), JsonSerializer.Serialize(cases.Select(c => c.Truth), Json));
            output.WriteLine($"{cases.Count} logs and truth.json in {target}");
            return 0;
        }
        SimulatedPerfLog log;
        object truth;
        switch (kind)
        {
            case "seed-leak":
                log = PerfLogSimulator.SeedExample();
                truth = new { Kind = kind, ExpectedVerdict = "Leak", Description = "nonpaged pool grows steadily to 540 MB on a 1 GB machine over 6 h at 5-minute samples" };
                break;
            case "seed-load":
                log = PerfLogSimulator.SeedLoadRiseAndFall();
                truth = new { Kind = kind, ExpectedVerdict = "LoadRelated", Description = "nonpaged pool follows a load that rises and falls back, 1 GB machine" };
                break;
            case string k when PerfLogSimulator.Kinds.Contains(k):
                var made = PerfLogSimulator.Make(k, noise, seed);
                log = made.Log;
                truth = made.Truth;
                break;
            default:
                return Fail(error, kind == null ? "a kind is required" : $"unknown kind '{kind}'");
        }
        File.WriteAllText(target, PdhCsvWriter.Write(log, separator));
        File.WriteAllText(target + ".truth.json", JsonSerializer.Serialize(truth, Json));
        output.WriteLine($"{target} ({log.Timestamps.Count} samples, {log.Series.Count} counters) and {target}.truth.json");
        return 0;
    }

    static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"ntdbg-synth perflog: {message}");
        error.WriteLine(Usage);
        return 2;
    }
}
