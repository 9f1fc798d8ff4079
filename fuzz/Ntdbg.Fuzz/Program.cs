namespace Ntdbg.Fuzz;

/// <summary>
/// ntdbg fuzz harness: `dotnet run --project fuzz/Ntdbg.Fuzz -- <target> <seed files or folders...>
/// [--iterations N] [--seed S]`. Targets: any (format detected by magic), minidump, kernel, pe, breakpad (.sym text), pooltag (pooltag.txt), blg (perfmon binary log), perfcsv (PDH CSV/TSV counter logs).
/// Findings are written to fuzz/findings/ with the input that caused them.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine($"usage: Ntdbg.Fuzz <{string.Join('|', FuzzTargets.Targets.Keys)}> <seed file or folder>... [--iterations N] [--seed S]");
            return 2;
        }
        string target = args[0];
        if (!FuzzTargets.Targets.ContainsKey(target)) { Console.Error.WriteLine($"unknown target {target}"); return 2; }
        int iterations = 10000, seed = Environment.TickCount;
        var files = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--iterations") iterations = int.Parse(args[++i]);
            else if (args[i] == "--seed") seed = int.Parse(args[++i]);
            else if (Directory.Exists(args[i])) files.AddRange(Directory.GetFiles(args[i], "*", SearchOption.AllDirectories));
            else files.Add(args[i]);
        }
        var seeds = files.Select(File.ReadAllBytes).Where(b => b.Length < (64 << 20)).ToList();
        if (seeds.Count == 0) { Console.Error.WriteLine("no seed inputs"); return 2; }
        var findings = new FuzzRunner(target, seeds, seed).Run(iterations, Path.GetTempPath());
        string outDir = Path.Combine("fuzz", "findings");
        foreach (var f in findings)
        {
            Directory.CreateDirectory(outDir);
            string name = Path.Combine(outDir, $"{target}-{seed}-{f.Iteration}-{f.Kind}.bin");
            File.WriteAllBytes(name, f.Input);
            Console.WriteLine($"{f.Kind} at iteration {f.Iteration}: {f.Message.Split('\n')[0]} -> {name}");
        }
        Console.WriteLine($"{iterations} inputs (seed {seed}), {findings.Count} finding(s)");
        return findings.Count == 0 ? 0 : 1;
    }
}
