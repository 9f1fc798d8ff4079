using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;

namespace Ntdbg.SynthCli;

/// <summary>
/// `ntdbg-synth &lt;scenario&gt; --build &lt;N&gt; [--format full|bitmap] -o &lt;file&gt; [--isf dir]` and
/// `ntdbg-synth --list`: writes a synthetic 64-bit kernel dump of a scenario, laid out from the
/// build's ISF table (default folder: ../shared/testdata/kernel/isf beside the repository).
/// </summary>
public static class SynthProgram
{
    public const string Usage = "usage: ntdbg-synth <scenario> --build <7601|9600|14393|17763|19041|20348|22000> [--format full|bitmap] [--memory 4G] -o <file> [--isf <dir>] [--kdbg plain|encoded] [--header ok|zeroed|wrong] [--drivers <dir>]\n       ntdbg-synth --list";

    /// <summary>Each scenario: its name, what it holds, and how it is made for a build's layout.</summary>
    public static readonly IReadOnlyList<(string Name, string Description, Func<IsfLayout, int, KernelScenario> Make)> Scenarios =
    [
        ("basic", "the kernel, HAL and 2 drivers; System and 9 processes (sessions 0 and 1, each with its own address space) linked at PsActiveProcessHead, with threads; 2 processors", KernelScenario.Basic),
        ("bench-500", "the kernel benchmarks' machine: 500 processes with their own page tables and user pages, 2 MiB pages; use --memory 4G", BenchScenario.Make),
        ("pool-pages", "basic with classic pool pages (Windows 7 to 10 1809; one corrupt) and big pool allocations, 'Leak' among them", PoolScenarios.PoolPages),
        ("seed-vm", "basic with the memory counters of the seed's !vm 1 (non-paged pool leak: 621,484 of 764,312 KB)", MemoryScenarios.SeedVm),
        ("seed-pool-leak", "seed-vm plus the real myfault.sys (fixtures/out/drivers) at fffff880`044b5000 leaking nonpaged pool tag 'Leak': the seed's !poolused /t5 2 rows and TOTAL; --drivers <dir> writes the .sys/.pdb", PoolLeakScenarios.SeedPoolLeak),
        ("paged-pool-leak", "basic plus pagedleak.sys, whose tag 'LPag' holds most of the paged pool (128,000,000 bytes)", PoolLeakScenarios.PagedPoolLeak),
        ("big-pool-leak", "basic plus bigleak.sys, whose tag 'LBig' holds 3,200 nonpaged big-pool blocks of 64 KiB", PoolLeakScenarios.BigPoolLeak),
        ("session-pool-leak", "basic whose session 1 leaks GDI bitmaps: Gh05 holds ~1 GB of its paged session pool (!poolused 8)", SessionPoolScenarios.SessionPoolLeak),
    ];

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length > 0 && args[0] == "perflog") return PerfLogSynth.Run(args[1..], output, error);
        if (args.Length == 1 && args[0] == "--list")
        {
            foreach (var (name, description, _) in Scenarios) output.WriteLine($"{name,-16} {description}");
            return 0;
        }
        if (args.Length == 0 || args[0].StartsWith('-')) return Fail(error, "a scenario name is required");
        string scenarioName = args[0];
        int? build = null;
        string format = "full";
        string? outputPath = null;
        ulong? memory = null;
        string isf = DefaultIsf();
        bool? encodeKdbg = null;
        var damage = HeaderDamage.None;
        string? driversFolder = null;
        for (int i = 1; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--build" when int.TryParse(value, out int b): build = b; i++; break;
                case "--format" when value is "full" or "bitmap": format = value; i++; break;
                case "-o" when value.Length > 0: outputPath = value; i++; break;
                case "--isf" when value.Length > 0: isf = value; i++; break;
                case "--memory" when TryParseSize(value, out ulong m): memory = m; i++; break;
                case "--kdbg" when value is "plain" or "encoded": encodeKdbg = value == "encoded"; i++; break;
                case "--drivers" when value.Length > 0: driversFolder = value; i++; break;
                case "--header" when value is "ok" or "zeroed" or "wrong": damage = value switch { "zeroed" => HeaderDamage.Zeroed, "wrong" => HeaderDamage.Wrong, _ => HeaderDamage.None }; i++; break;
                default: return Fail(error, $"unexpected '{args[i]}'");
            }
        }
        var scenario = Scenarios.FirstOrDefault(s => s.Name == scenarioName);
        if (scenario.Make == null) return Fail(error, $"no scenario '{scenarioName}' (ntdbg-synth --list names them)");
        if (build is not int b2 || !IsfLayout.BuildGuidPrefix.ContainsKey(b2)) return Fail(error, "--build must be one of " + string.Join(", ", IsfLayout.BuildGuidPrefix.Keys));
        if (outputPath == null) return Fail(error, "-o <file> is required");
        if (!Directory.Exists(isf)) return Fail(error, $"the ISF folder {isf} does not exist (--isf <dir>)");
        var machine = scenario.Make(IsfLayout.ForBuild(isf, b2), b2);
        machine.EncodeKdbg = encodeKdbg ?? false;
        machine.HeaderDamage = damage;
        if (memory is ulong ram)
        {
            if (format != "full") return Fail(error, "--memory writes a full dump (--format full)");
            try { SparseDumpWriter.Write(outputPath, machine, ram); }
            catch (InvalidOperationException e)
            {
                File.Delete(outputPath);
                return Fail(error, $"--memory {ram >> 20} MiB is too small for {scenarioName}: {e.Message}");
            }
        }
        else File.WriteAllBytes(outputPath, machine.Write(format == "full" ? KernelDumpBuilder.Layout.Full : KernelDumpBuilder.Layout.Bitmap));
        if (driversFolder != null) DriverFiles.Write(machine, driversFolder, output);
        output.WriteLine($"{outputPath}: {scenarioName} for build {b2} ({format}{(memory is ulong r ? $", {r >> 20} MiB of RAM, sparse" : "")}), {machine.Processes.Count} processes, {machine.Drivers.Count} drivers; open with -y {isf}");
        return 0;
    }

    private static bool TryParseSize(string text, out ulong bytes)
    {
        bytes = 0;
        try { bytes = SparseDumpWriter.ParseSize(text); }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException) { return false; }
        return bytes >= 1UL << 20;
    }

    private static int Fail(TextWriter error, string why)
    {
        error.WriteLine($"ntdbg-synth: {why}");
        error.WriteLine(Usage);
        return 2;
    }

    private static string DefaultIsf()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata", "kernel", "isf"));
        return Path.GetFullPath(Path.Combine("..", "shared", "testdata", "kernel", "isf"));
    }
}
