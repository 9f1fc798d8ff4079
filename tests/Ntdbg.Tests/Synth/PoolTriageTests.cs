using System.Text.Json;
using Ntdbg.Analyses.Pool;
using Ntdbg.Cli.Triage;
using Ntdbg.Commands.Commands.Pool.Triage;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// `ntdbg triage pool` on the seed's pool leak (seed-pool-leak: the seed's counters and tags, the
/// fixture myfault.sys loaded at the seed's base) for every build, full and bitmap: the verdict is
/// the non-paged pool, the suspect is the scenario's largest tag, and the driver named is
/// myfault.sys, with exactly the functions its source allocates with the tag — each hit's address
/// lying in the driver's image in the dump and holding the tag's bytes there.
/// </summary>
public sealed class PoolTriageTests
{
    /// <summary>Functions in the driver's C source whose body calls ExAllocatePoolWithTag with its tag.</summary>
    internal static HashSet<string> AllocatingFunctionsInSource() => [.. FixtureDriverFile.Read("myfault.sys").AllocatingFunctions];

    /// <summary>The scenario, a session on its dump whose symbol path holds the ISF tables and the drivers folder, and that folder.</summary>
    internal static (KernelScenario Scenario, DebugSession Session, string Drivers, byte[] Dump) Open(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = PoolLeakScenarios.SeedPoolLeak(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        string drivers = Directory.CreateTempSubdirectory("ntdbg-pooltriage").FullName;
        foreach (var image in scenario.DriverImages)
        {
            File.WriteAllBytes(Path.Combine(drivers, image.FileName), image.Bytes);
            if (image.Pdb != null) File.WriteAllBytes(Path.Combine(drivers, Path.ChangeExtension(image.FileName, ".pdb")), image.Pdb);
        }
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"seed-pool-leak-{build}.dmp", bytes));
        return (scenario, new DebugSession(target, $"{isf};{drivers}"), drivers, bytes);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void NamesMyfaultAndItsAllocatingFunctionsForTheNonPagedLeak(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, session, drivers, _) = Open(build, format);
        try
        {
            var report = PoolTriage.Run(session, drivers);

            // The seed's counters are past four fifths of the maximum: the non-paged pool is the problem.
            var c = scenario.MemoryCounters!;
            Assert.True(c.NonPagedPoolPages * 5 > c.NonPagedPoolMaximumPages * 4);
            Assert.Equal(PoolKind.NonPaged, report.Verdict.Problem);
            Assert.True(report.NonPaged.Excessive);

            var largest = scenario.PoolTags.MaxBy(t => t.NonPagedBytes)!;
            var suspect = Assert.Single(report.Suspects);
            Assert.Equal(largest.Tag, suspect.Rank.Tag);
            Assert.Equal(largest.NonPagedBytes, suspect.Rank.Bytes);
            Assert.Equal((long)(largest.NonPagedAllocs - largest.NonPagedFrees), suspect.Rank.Allocations);
            Assert.True(suspect.ExcessiveForRam);

            var myfault = scenario.DriverImages.Single();
            var driver = Assert.Single(suspect.Drivers);
            Assert.Equal(myfault.FileName, driver.Module);
            Assert.True(driver.InDump && driver.OnDisk);
            Assert.Empty(driver.OtherCode);
            Assert.Empty(driver.Data);

            var expected = AllocatingFunctionsInSource();
            Assert.NotEmpty(expected);
            var inDump = driver.Allocations.Where(h => h.Source == PoolTagSource.Dump).ToList();
            var onDisk = driver.Allocations.Where(h => h.Source == PoolTagSource.File).ToList();
            Assert.Equal(expected, inDump.Select(h => h.Function!).ToHashSet());
            Assert.Equal(expected, onDisk.Select(h => h.Function!).ToHashSet());
            Assert.Equal(onDisk.Select(h => h.Rva).Order(), inDump.Select(h => h.Rva).Order());
            // The immediates the tests find in the file's bytes themselves (mov r8d,tag; call [rip+x]).
            Assert.Equal(FixtureDriverFile.Read(myfault.FileName).ImmediateRvas, inDump.Select(h => h.Rva + 2).Order());
            foreach (var hit in inDump)
            {
                Assert.Equal("ExAllocatePoolWithTag", hit.CallTarget);
                Assert.Equal(myfault.Base + hit.Rva, hit.Address);
                // The instruction's bytes in the dump hold the tag as its immediate.
                var bytes = new byte[15];
                Assert.Equal(bytes.Length, session.Memory.Read(hit.Address, bytes, out _));
                Assert.True(bytes.AsSpan().IndexOf(BitConverter.GetBytes(largest.Key)) > 0, $"{hit.Address:x}: {Convert.ToHexString(bytes)}");
            }
            Assert.Contains(report.NextSteps, s => s.Contains($"'{largest.Tag}' in {myfault.FileName}", StringComparison.Ordinal));
            Assert.Contains(report.NextSteps, s => s.Contains($"!poolfind {largest.Tag} 0", StringComparison.Ordinal));
        }
        finally { Directory.Delete(drivers, recursive: true); }
    }

    [SharedDataFact]
    public void CliPrintsTheVerdictAndDriverAsTextAndJson()
    {
        var (scenario, _, drivers, bytes) = Open(19041, KernelDumpBuilder.Layout.Bitmap);
        string dump = Path.Combine(drivers, "seed.dmp");
        File.WriteAllBytes(dump, bytes);
        try
        {
            string isf = TestData.Shared("kernel/isf");
            var text = new StringWriter();
            Assert.Equal(0, TriageCommand.Run(["pool", dump, "-y", isf, "--drivers", drivers], text, TextWriter.Null));
            string output = text.ToString();
            Assert.Contains("verdict:   NonPaged pool usage is excessive", output);
            Assert.Contains("myfault.sys: allocates with 'Leak' (in the dump and under --drivers)", output);
            foreach (var f in AllocatingFunctionsInSource()) Assert.Contains($"myfault.sys!{f}", output);

            var json = new StringWriter();
            Assert.Equal(0, TriageCommand.Run(["pool", dump, "-y", isf, "--drivers", drivers, "--json"], json, TextWriter.Null));
            using var doc = JsonDocument.Parse(json.ToString());
            var result = doc.RootElement.GetProperty("result");
            Assert.Equal("PoolTriageReport", doc.RootElement.GetProperty("type").GetString());
            Assert.Equal("NonPaged", result.GetProperty("verdict").GetProperty("problem").GetString());
            var suspect = result.GetProperty("suspects")[0];
            Assert.Equal("Leak", suspect.GetProperty("rank").GetProperty("tag").GetString());
            Assert.Equal("myfault.sys", suspect.GetProperty("drivers")[0].GetProperty("module").GetString());
            Assert.Equal(scenario.MemoryCounters!.PhysicalPages * 4096, result.GetProperty("physicalMemoryBytes").GetUInt64());

            Assert.Equal(2, TriageCommand.Run(["pool", Path.Combine(drivers, "absent.dmp")], TextWriter.Null, TextWriter.Null));
            Assert.Equal(2, TriageCommand.Run(["pool", dump, "--drivers", Path.Combine(drivers, "absent")], TextWriter.Null, TextWriter.Null));
        }
        finally { Directory.Delete(drivers, recursive: true); }
    }

    [SharedDataFact]
    public void FindTagCliSearchesTheDumpsModulesAndTheFolder()
    {
        var (scenario, _, drivers, bytes) = Open(22000, KernelDumpBuilder.Layout.Full);
        string dump = Path.Combine(drivers, "seed.dmp");
        File.WriteAllBytes(dump, bytes);
        try
        {
            string symbols = $"{TestData.Shared("kernel/isf")};{drivers}";
            var expected = AllocatingFunctionsInSource();
            var json = new StringWriter();
            Assert.Equal(0, Ntdbg.Cli.Pool.FindTagCommand.Run(["findtag", "Leak", dump, "-y", symbols, "--dir", drivers, "--json"], json, TextWriter.Null));
            using var doc = JsonDocument.Parse(json.ToString());
            var result = doc.RootElement.GetProperty("result");
            Assert.Equal("PoolFindTagResult", doc.RootElement.GetProperty("type").GetString());
            var myfault = scenario.DriverImages.Single();
            var inDump = result.GetProperty("inDump").GetProperty("codeHits").EnumerateArray().ToList();
            Assert.Equal(expected, inDump.Select(h => h.GetProperty("function").GetString()!).ToHashSet());
            Assert.All(inDump, h => Assert.Equal(myfault.Base + h.GetProperty("rva").GetUInt32(), h.GetProperty("address").GetUInt64()));
            Assert.All(inDump, h => Assert.Equal("Dump", h.GetProperty("source").GetString()));
            var onDisk = result.GetProperty("onDisk").GetProperty("codeHits").EnumerateArray().ToList();
            Assert.Equal(expected, onDisk.Select(h => h.GetProperty("function").GetString()!).ToHashSet());
            // The modules the scenario only lists have no image in the dump: skipped, with why.
            var skipped = result.GetProperty("inDump").GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
            Assert.Equal(scenario.Drivers.Select(d => d.FileName).Where(n => n is not "ntoskrnl.exe" && n != myfault.FileName).Order(), skipped.Order());

            var text = new StringWriter();
            Assert.Equal(0, Ntdbg.Cli.Pool.FindTagCommand.Run(["findtag", "Leak", dump, "-y", symbols], text, TextWriter.Null));
            foreach (string f in expected)
                Assert.Contains(text.ToString().Split('\n'), l => l.StartsWith($"  alloc myfault.sys!{f} ", StringComparison.Ordinal) && l.Contains("-> call ExAllocatePoolWithTag at fffff880`044b", StringComparison.Ordinal));

            Assert.Equal(2, Ntdbg.Cli.Pool.FindTagCommand.Run(["findtag", "Leak", Path.Combine(drivers, "absent.dmp")], TextWriter.Null, TextWriter.Null));
            Assert.Equal(2, Ntdbg.Cli.Pool.FindTagCommand.Run(["findtag", "Leaky", dump], TextWriter.Null, TextWriter.Null));
        }
        finally { Directory.Delete(drivers, recursive: true); }
    }
}
