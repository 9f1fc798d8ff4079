using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Json;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// `!vm 1` on the synthetic dumps of every build, full and bitmap: each counter the scenario wrote
/// (in the build's own globals or nt!MiState/nt!MiSystemPartition, as the ISF table places them)
/// prints with exactly the scenario's figure, every other counter prints as unavailable, and the
/// seed-vm scenario reproduces the seed's `!vm 1` block line for line.
/// </summary>
public sealed class VmCommandTests
{
    /// <summary>Every counter label of the seed's `!vm 1` plus those later kernels add.</summary>
    private static readonly string[] Labels =
    [
        "Physical Memory", "Available Pages", "ResAvail Pages", "Locked IO Pages", "Free System PTEs", "Modified Pages", "Modified PF Pages",
        "NonPagedPool Usage", "NonPagedPool Max", "PagedPool Usage", "PagedPool Maximum", "Session Commit", "Shared Commit", "Special Pool",
        "Kernel Stacks", "Shared Process", "PagedPool Commit", "Driver Commit", "Boot Commit", "Committed pages", "Commit limit",
    ];

    /// <summary>Counters every one of the seven kernels keeps somewhere (a writer that wrote nothing must fail).</summary>
    private static readonly string[] Universal =
    [
        "Physical Memory", "Available Pages", "ResAvail Pages", "Free System PTEs", "Modified Pages", "Modified PF Pages", "NonPagedPool Usage",
        "NonPagedPool Max", "PagedPool Usage", "PagedPool Maximum", "Session Commit", "Shared Process", "Driver Commit", "Committed pages", "Commit limit",
    ];

    private static (KernelScenario Scenario, string Output, string Json) RunVm(Func<IsfLayout, int, KernelScenario> make, int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = make(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"vm-{build}.dmp", bytes));
        var session = new DebugSession(target, isf);
        string text = Run.Text(target, "!vm 1", session);
        var outcome = new CommandExecutor(session).ExecuteLine("!vm 1").Single();
        return (scenario, text, JsonRendering.Render(outcome));
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void EveryCounterIsTheScenariosFigureOrUnavailable(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, output, json) = RunVm(KernelScenario.Basic, build, format);
        var written = scenario.WrittenMemoryCounters;
        var counters = scenario.MemoryCounters!;
        foreach (string label in Universal) Assert.True(written.ContainsKey(label), $"{build}: the scenario wrote no {label}");
        // What the writer reports as written is the scenario's own figure for that counter.
        foreach (var (label, pages) in written) Assert.Equal(Figure(counters, label), pages);

        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (string label in Labels.Concat(written.Keys).Distinct())
        {
            string line = Assert.Single(lines, l => l.StartsWith($"\t{label}:", StringComparison.Ordinal));
            if (written.TryGetValue(label, out ulong pages))
                Assert.Matches($@"^\t{Regex.Escape(label)}: *{pages} \( *{pages * 4} Kb\)$", line);
            else
                Assert.Matches($@"^\t{Regex.Escape(label)}: +unavailable: \S.*$", line);
        }
        var file = Assert.Single(counters.PageFiles);
        Assert.Contains($"\tPage File: {file.Name}\n", output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Matches($@"Current: +{file.CurrentPages * 4} Kb  Free Space: +{file.FreePages * 4} Kb", output);
        Assert.Matches($@"Minimum: +{file.MinimumPages * 4} Kb  Maximum: +{file.MaximumPages * 4} Kb", output);
        // The basic machine's non-paged pool is far from its maximum.
        Assert.DoesNotContain("Excessive", output, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(json);
        var result = doc.RootElement.GetProperty("result");
        Assert.False(result.GetProperty("excessiveNonPagedPoolUsage").GetBoolean());
        var physical = result.GetProperty("counters").EnumerateArray().Single(c => c.GetProperty("label").GetString() == "Physical Memory");
        Assert.Equal(counters.PhysicalPages, physical.GetProperty("pages").GetUInt64());
        var locked = result.GetProperty("counters").EnumerateArray().Single(c => c.GetProperty("label").GetString() == "Locked IO Pages");
        Assert.Equal(JsonValueKind.Null, locked.GetProperty("pages").ValueKind);
    }

    /// <summary>The scenario record's figure for a `!vm` label.</summary>
    private static ulong Figure(SyntheticMemoryCounters c, string label) => label switch
    {
        "Physical Memory" => c.PhysicalPages,
        "Available Pages" => c.AvailablePages,
        "ResAvail Pages" => c.ResidentAvailablePages,
        "Free System PTEs" => c.FreeSystemPtes,
        "Modified Pages" => c.ModifiedPages,
        "Modified PF Pages" => c.ModifiedPagefilePages,
        "NonPagedPool Usage" => c.NonPagedPoolPages,
        "NonPagedPool Max" => c.NonPagedPoolMaximumPages,
        "PagedPool Usage" => c.PagedPools.Aggregate(0UL, (a, b) => a + b),
        "PagedPool Maximum" => c.PagedPoolMaximumPages,
        "Session Commit" => c.SessionCommits.Aggregate(0UL, (a, b) => a + b),
        "Shared Commit" => c.SharedCommit,
        "Special Pool" => c.SpecialPoolPages,
        "Kernel Stacks" => c.KernelStackPages,
        "Shared Process" => c.ProcessCommit,
        "PagedPool Commit" => c.PagedPoolCommit,
        "Driver Commit" => c.DriverCommit,
        "Boot Commit" => c.BootCommit,
        "Committed pages" => c.CommittedPages,
        "Commit limit" => c.CommitLimit,
        _ when label.StartsWith("PagedPool ", StringComparison.Ordinal) && label.EndsWith(" Usage", StringComparison.Ordinal) =>
            c.PagedPools[int.Parse(label["PagedPool ".Length..^" Usage".Length], CultureInfo.InvariantCulture)],
        _ => throw new InvalidOperationException($"unknown !vm label {label}"),
    };

    public static TheoryData<int, KernelDumpBuilder.Layout> Builds() => KernelScenarioTests.Cases();

    [SeedTheory]
    [MemberData(nameof(Builds))]
    public void SeedScenarioReproducesTheSeedsBlock(int build, KernelDumpBuilder.Layout format)
    {
        var seed = Seed.OutputOf("!vm 1", l => !l.StartsWith("The debugger", StringComparison.Ordinal));
        Assert.Equal("*** Virtual Memory Usage ***", seed[0]);
        var (scenario, output, _) = RunVm(MemoryScenarios.SeedVm, build, format);
        var ours = output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var written = scenario.WrittenMemoryCounters;
        int at = 0, compared = 0;
        foreach (string line in seed)
        {
            string label = line.Split(':')[0];
            bool counter = Labels.Contains(label) || label.StartsWith("PagedPool ", StringComparison.Ordinal);
            if (counter && !written.ContainsKey(label) && !Labels.Contains(label))
            {
                // Per-pool usage: kernels without per-pool descriptors (Windows 10 on) show only the total.
                Assert.DoesNotContain(ours, l => l.StartsWith(label + ":", StringComparison.Ordinal));
                continue;
            }
            if (counter && !written.ContainsKey(label))
            {
                // A counter this kernel does not keep: said so, never a number.
                Assert.Matches($@"^{Regex.Escape(label)}: +unavailable: ", ours.Single(l => l.StartsWith(label + ":", StringComparison.Ordinal)));
                continue;
            }
            int found = ours.FindIndex(at, l => l == line);
            Assert.True(found >= 0, $"{build}: '{line}' is missing or out of order in:\n{output}");
            at = found + 1;
            compared++;
        }
        // The header, the page file's three lines, the excessive-pool warning and every counter the build keeps.
        int expected = 1 + 3 + 1 + seed.Count(l => written.ContainsKey(l.Split(':')[0]));
        Assert.Equal(expected, compared);
        Assert.Contains(VmCommandExcessive, ours);
        Assert.True(compared >= (build <= 9600 ? 25 : 17), $"{build}: only {compared} seed lines compared");
    }

    private const string VmCommandExcessive = "********** Excessive NonPaged Pool Usage *****";
}

/// <summary>A theory that needs both the shared test data and the seed; skipped visibly without them.</summary>
public sealed class SeedTheoryAttribute : TheoryAttribute
{
    public SeedTheoryAttribute()
    {
        if (TestData.SharedRoot == null) Skip = "../shared/testdata is absent: synthetic-dump test skipped";
        else if (Seed.Path == null) Skip = "../shared/seed is absent: seed layout test skipped";
    }
}
