using System.Text.RegularExpressions;
using Ntdbg.Analyses.Pool;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The seed's pool leak ("Troubleshooting Pool Leaks Part 3") on the synthetic dumps of every
/// build, full and bitmap, with the real myfault.sys-like fixture driver mapped in: `!poolused
/// /t5 2` prints the seed's lines, `!for_each_module s -a @#Base @#End "Leak"` finds exactly the
/// driver's two allocation immediates (scanned from the .sys file here), `lm a` names myfault,
/// and `pool findtag` over the driver files names the functions the C source allocates in.
/// </summary>
public sealed partial class PoolLeakScenarioTests
{
    [GeneratedRegex(@"^([0-9a-f]{8}`[0-9a-f]{8})  ", RegexOptions.Multiline)]
    private static partial Regex HitAddress();

    // A !poolused tag row or the TOTAL line, leading blanks removed (the blog indents its output).
    [GeneratedRegex(@"^(\S{4}|TOTAL) +\d+ +\d+ +\d+ +\d+")]
    private static partial Regex PoolUsedLine();

    private static string Open(KernelScenario scenario, KernelDumpBuilder.Layout format, string commands)
    {
        string isf = TestData.Shared("kernel/isf");
        using var pooltags = PooltagFolder.IfShared();
        string symbolPath = pooltags == null ? isf : isf + ";" + pooltags.Path;
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"poolleak-{scenario.Build}.dmp", scenario.Write(format)));
        return Run.Text(target, commands, new DebugSession(target, symbolPath));
    }

    private static KernelScenario Make(Func<IsfLayout, int, KernelScenario> make, int build) =>
        make(IsfLayout.ForBuild(TestData.Shared("kernel/isf"), build), build);

    private static List<string> PoolUsedLines(IEnumerable<string> lines) =>
        [.. lines.Select(l => l.Trim()).Where(l => PoolUsedLine().IsMatch(l))];

    [SeedTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PoolUsedTopFivePrintsTheSeedsRowsAndTotal(int build, KernelDumpBuilder.Layout format)
    {
        var seed = PoolUsedLines(Seed.OutputOf("!poolused /t5 2", l => !l.StartsWith("The above output", StringComparison.Ordinal)));
        Assert.Equal(6, seed.Count); // five rows and TOTAL
        string output = Open(Make(PoolLeakScenarios.SeedPoolLeak, build), format, "!poolused /t5 2");
        Assert.Contains(" Sorting by NonPaged Pool Consumed", output);
        var ours = PoolUsedLines(output.Split('\n'));
        if (File.Exists(TestData.Shared("pool/pooltag.txt"))) Assert.Equal(seed, ours);
        else Assert.Equal(seed.Select(Columns), ours.Select(Columns)); // descriptions need pooltag.txt
    }

    private static string Columns(string line) => PoolUsedLine().Match(line).Value;

    [SeedFact]
    public void PoolUsedHeaderPutsNonPagedAndPagedOverTheSeedsColumns()
    {
        // The blog indents every output line alike, so positions are compared relative to the "Tag" line.
        var raw = File.ReadAllLines(Seed.Path!).Select(l => l.Replace('\u00a0', ' ')).ToList();
        int at = raw.FindIndex(l => l.EndsWith("!poolused /t5 2", StringComparison.Ordinal));
        string seedHeader = raw.Skip(at).First(l => l.Contains("NonPaged", StringComparison.Ordinal) && !l.Contains("Sorting", StringComparison.Ordinal));
        string seedTag = raw.Skip(at).First(l => l.TrimStart().StartsWith("Tag ", StringComparison.Ordinal));
        var output = Open(Make(PoolLeakScenarios.SeedPoolLeak, 19041), KernelDumpBuilder.Layout.Full, "!poolused /t5 2").Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string ourHeader = output.First(l => l.Contains("NonPaged", StringComparison.Ordinal) && !l.Contains("Sorting", StringComparison.Ordinal));
        string ourTag = output.First(l => l.TrimStart().StartsWith("Tag ", StringComparison.Ordinal));
        static (int, int) Offsets(string header, string tag)
        {
            int origin = tag.IndexOf("Tag", StringComparison.Ordinal);
            return (header.IndexOf("NonPaged", StringComparison.Ordinal) - origin, header.IndexOf("Paged", header.IndexOf("NonPaged", StringComparison.Ordinal) + 8, StringComparison.Ordinal) - origin);
        }
        Assert.Equal(Offsets(seedHeader, seedTag), Offsets(ourHeader, ourTag));
        Assert.Equal(seedTag.Trim(), ourTag.Trim());
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ForEachModuleSearchFindsTheTwoAllocationImmediatesInMyfault(int build, KernelDumpBuilder.Layout format)
    {
        var driver = FixtureDriverFile.Read("myfault.sys");
        Assert.Equal(2, driver.ImmediateRvas.Count);
        ulong end = PoolLeakScenarios.MyfaultBase + driver.SizeOfImage;
        var hits = driver.ImmediateRvas.Select(rva => PoolLeakScenarios.MyfaultBase + rva).ToList();
        string search = Open(Make(PoolLeakScenarios.SeedPoolLeak, build), format, "!for_each_module s -a @#Base @#End \"Leak\"");
        Assert.Equal(hits, HitAddress().Matches(search).Select(m => Convert.ToUInt64(m.Groups[1].Value.Replace("`", ""), 16)));
        Assert.All(search.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Contains("Leak", l));

        string lm = Open(Make(PoolLeakScenarios.SeedPoolLeak, build), format, string.Join("; ", hits.Select(h => $"lm a {Hex(h)}")));
        var rows = lm.Split('\n').Where(l => l.Contains("myfault", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.StartsWith($"{Hex(PoolLeakScenarios.MyfaultBase)} {Hex(end)}   myfault", r));
    }

    [SeedTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void LmAOfEachHitPrintsTheSeedsStartEndAndName(int build, KernelDumpBuilder.Layout format)
    {
        // The seed: "1: kd> lm a fffff880`044b63aa", then "start end module name" and the myfault row.
        var seedLm = Seed.OutputOf("lm a fffff880`044b63aa", l => !l.Contains("kd>", StringComparison.Ordinal));
        Assert.Equal(2, seedLm.Count);
        var seedColumns = seedLm[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3];
        var hits = FixtureDriverFile.Read("myfault.sys").ImmediateRvas.Select(rva => PoolLeakScenarios.MyfaultBase + rva);
        string output = Open(Make(PoolLeakScenarios.SeedPoolLeak, build), format, string.Join("; ", hits.Select(h => $"lm a {Hex(h)}")));
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        Assert.Equal(2, lines.Count(l => l == seedLm[0]));
        var rows = lines.Where(l => l.Contains("myfault", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(seedColumns, r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3]));
    }

    [SharedDataFact]
    public void MappedImageHasItsHeadersAndRelocatedPointers()
    {
        var driver = FixtureDriverFile.Read("myfault.sys");
        var fixup = Assert.Single(driver.Dir64Fixups); // MyfaultUnloadRoutine in .data
        ulong slot = PoolLeakScenarios.MyfaultBase + fixup.Rva;
        string output = Open(Make(PoolLeakScenarios.SeedPoolLeak, 19041), KernelDumpBuilder.Layout.Full, $"db {Hex(PoolLeakScenarios.MyfaultBase)} L2; dq {Hex(slot)} L1");
        Assert.Contains($"{Hex(PoolLeakScenarios.MyfaultBase)}  4d 5a", output); // MZ at the base
        ulong relocated = fixup.FileValue - driver.ImageBase + PoolLeakScenarios.MyfaultBase;
        Assert.Contains($"{Hex(slot)}  {Hex(relocated)}", output);
    }

    private static string Hex(ulong va) => $"{va >> 32:x8}`{va & 0xffffffff:x8}";

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PagedAndBigPoolLeaksRankTheirDriversTag(int build, KernelDumpBuilder.Layout format)
    {
        var cases = new (Func<IsfLayout, int, KernelScenario> Make, string File, string Flags)[]
        {
            (PoolLeakScenarios.PagedPoolLeak, "pagedleak.sys", "4"),
            (PoolLeakScenarios.BigPoolLeak, "bigleak.sys", "2"),
        };
        foreach (var (make, file, flags) in cases)
        {
            var scenario = Make(make, build);
            var driver = FixtureDriverFile.Read(file);
            var image = Assert.Single(scenario.DriverImages);
            string output = Open(scenario, format, $"!poolused /t1 {flags}; !for_each_module s -a @#Base @#End \"{driver.Tag}\"");
            var top = Assert.Single(PoolUsedLines(output.Split('\n')), l => !l.StartsWith("TOTAL", StringComparison.Ordinal));
            Assert.StartsWith(driver.Tag + " ", top);
            var expected = scenario.PoolTags.Single(t => t.Tag == driver.Tag);
            Assert.Contains(flags == "4" ? $" {expected.PagedBytes}    " : $" {expected.NonPagedBytes} ", top);
            Assert.Equal(driver.ImmediateRvas.Select(rva => image.Base + rva), HitAddress().Matches(output).Select(m => Convert.ToUInt64(m.Groups[1].Value.Replace("`", ""), 16)));
        }
    }

    [Fact]
    public void FindTagOverTheDriverFilesNamesTheAllocatingFunctions()
    {
        string folder = Directory.CreateTempSubdirectory("ntdbg-poolleak-drivers-").FullName;
        try
        {
            foreach (string f in Directory.EnumerateFiles(FixtureDrivers.Folder)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            foreach (string file in new[] { "myfault.sys", "pagedleak.sys", "bigleak.sys", "sessionleak.sys" })
            {
                var driver = FixtureDriverFile.Read(file);
                Assert.NotEmpty(driver.AllocatingFunctions);
                var result = PoolTagFinder.FindInDirectory(folder, PoolTagPattern.Parse(driver.Tag));
                Assert.Empty(result.Errors);
                Assert.All(result.CodeHits, h => Assert.Equal((file, "ExAllocatePoolWithTag", true), (h.Module, h.CallTarget, h.IsPoolCall)));
                Assert.Equal(driver.AllocatingFunctions.Order(), result.CodeHits.Select(h => h.Function!).Order());
                Assert.Equal(driver.ImmediateRvas, result.CodeHits.Select(h => h.Rva + 2).Order());
                Assert.Empty(result.StringHits);
            }
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [SharedDataFact]
    public void SynthDriversFolderFeedsFindTag()
    {
        string folder = Directory.CreateTempSubdirectory("ntdbg-poolleak-cli-").FullName;
        try
        {
            string dump = Path.Combine(folder, "seed.dmp"), drivers = Path.Combine(folder, "drivers");
            var log = new StringWriter();
            Assert.Equal(0, Ntdbg.SynthCli.SynthProgram.Run(["seed-pool-leak", "--build", "19041", "--format", "bitmap", "-o", dump, "--drivers", drivers, "--isf", TestData.Shared("kernel/isf")], log, log));
            Assert.Equal(["myfault.pdb", "myfault.sys"], Directory.EnumerateFiles(drivers).Select(Path.GetFileName).Order());
            Assert.Equal(File.ReadAllBytes(Path.Combine(FixtureDrivers.Folder, "myfault.sys")), File.ReadAllBytes(Path.Combine(drivers, "myfault.sys")));
            var output = new StringWriter();
            Assert.Equal(0, Ntdbg.Cli.Pool.FindTagCommand.Run(["findtag", "Leak", "--dir", drivers], output, output));
            var poolLines = output.ToString().Split('\n').Where(l => l.TrimStart().StartsWith("alloc ", StringComparison.Ordinal)).ToList();
            var expected = FixtureDriverFile.Read("myfault.sys").AllocatingFunctions;
            Assert.Equal(expected.Count, poolLines.Count);
            foreach (string function in expected) Assert.Single(poolLines, l => l.Contains($"myfault.sys!{function} ", StringComparison.Ordinal) && l.Contains("call ExAllocatePoolWithTag", StringComparison.Ordinal));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [ToolFact("llvm-objdump", needsSharedData: false)]
    public void ImmediatesAgreeWithLlvmObjdump()
    {
        foreach (string file in new[] { "myfault.sys", "pagedleak.sys", "bigleak.sys", "sessionleak.sys" })
        {
            var driver = FixtureDriverFile.Read(file);
            uint value = BitConverter.ToUInt32(System.Text.Encoding.ASCII.GetBytes(driver.Tag));
            var psi = new System.Diagnostics.ProcessStartInfo(Tools.Find("llvm-objdump")!, ["-d", Path.Combine(FixtureDrivers.Folder, file)]) { RedirectStandardOutput = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            string text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            // "140001017: 41 b8 4c 65 61 6b   movl $1801545036, %r8d": the immediate is 2 bytes in; image base 0x140000000.
            var rvas = Regex.Matches(text, @"^\s*([0-9a-f]+):.*movl\s+\$" + value + @", %r8d", RegexOptions.Multiline)
                .Select(m => (uint)(Convert.ToUInt64(m.Groups[1].Value, 16) - 0x140000000UL + 2)).ToList();
            Assert.Equal(driver.ImmediateRvas, rvas);
        }
    }
}
