using Ntdbg.Fuzz;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Fuzz;

/// <summary>
/// A short run of each fuzz target on real seeds: no crash (only DumpFormatException or memory
/// faults may escape), no hang, no runaway allocation. Long runs: fuzz/Ntdbg.Fuzz.
/// </summary>
public class FuzzHarnessTests
{
    private const int Iterations = 1000;

    public static TheoryData<string> TargetNames() => new(FuzzTargets.Targets.Keys);

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void ShortRunFindsNothing(string target)
    {
        var seeds = Seeds(target);
        Assert.NotEmpty(seeds);
        var findings = new FuzzRunner(target, seeds, randomSeed: 20261123).Run(Iterations, Path.GetTempPath());
        Assert.True(findings.Count == 0, string.Join("\n", findings.Select(f => $"{f.Kind} at {f.Iteration}: {f.Message}")));
    }

    private static List<byte[]> Seeds(string target)
    {
        var files = new List<string>();
        string Out(string f) => TestData.Repo(Path.Combine("fixtures", "out", f));
        if (target is "minidump" or "any") files.AddRange([Out("crash-x64.dmp"), Out("crash-x86.dmp")]);
        if (target is "pe" or "any") files.AddRange([Out("plugin-x64.dll"), Out("plugin-x86.dll")]);
        if (TestData.SharedRoot is string shared)
        {
            if (target is "minidump" or "any") files.AddRange(Directory.GetFiles(Path.Combine(shared, "user"), "*.dmp", SearchOption.AllDirectories));
            if (target is "kernel" or "any") files.AddRange([Path.Combine(shared, "kernel", "triage_x64_19041.dmp"), Path.Combine(shared, "kernel", "full_dump_header_only_19045.bin")]);
            if (target is "pe" or "any") files.Add(Path.Combine(shared, "kernel", "symstore", "amdppm.sys", "c9c030003b000", "amdppm.sys"));
        }
        if (target == "breakpad") return Breakpad.BreakpadTestFiles.FuzzSeeds();
        if (target == "pooltag") return PoolTags.PoolTagFuzzSeeds.All();
        if (target == "blg") return PerfLogs.BlgFuzzSeeds.All();
        if (target == "perfcsv") return PerfLogs.PerfCsvSamples.FuzzSeeds();
        if (target == "kernel" && files.Count == 0)
        {
            // Without shared data: a minimal 64-bit header for a full dump with one run.
            var b = new byte[0x3000];
            for (int i = 0; i < 0x2000; i += 4) "PAGE"u8.CopyTo(b.AsSpan(i));
            "PAGEDU64"u8.CopyTo(b);
            BitConverter.GetBytes(1u).CopyTo(b, 0xf98);
            BitConverter.GetBytes(1u).CopyTo(b, 0x88);
            BitConverter.GetBytes(1UL).CopyTo(b, 0x90);
            BitConverter.GetBytes(1UL).CopyTo(b, 0xa0);
            return [b];
        }
        return files.Where(File.Exists).Select(File.ReadAllBytes).ToList();
    }
}
