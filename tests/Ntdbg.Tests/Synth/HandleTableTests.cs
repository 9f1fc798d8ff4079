using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// `!process 0 0` HandleCount for every build × full/bitmap: each process's handle table holds a
/// different number of in-use entries (one process's table has two levels, one three), written by the
/// synthesizer from the ISF layout; Windows 7's count is its _HANDLE_TABLE.HandleCount, later
/// kernels' is the walk. A table page left out of the dump gives `?` and says which page.
/// </summary>
public sealed class HandleTableTests
{
    private static readonly Regex HandleCounts = new(@"^PROCESS ([0-9a-f]+)\r?\n(?:.*\r?\n)*?\s+DirBase: [0-9a-f]+\s+ObjectTable: [0-9a-f]+\s+HandleCount: (\S+)", RegexOptions.Multiline);

    private static (KernelScenario Scenario, string Text) Run0(int build, KernelDumpBuilder.Layout format, Action<KernelScenario>? damage = null)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        if (damage != null) scenario.BeforeDump.Add(damage);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"handles-{build}.dmp", scenario.Write(format)));
        return (scenario, Run.Text(target, "!process 0 0", new DebugSession(target, isf)));
    }

    private static Dictionary<ulong, string> Counts(string text) =>
        HandleCounts.Matches(text).ToDictionary(m => Convert.ToUInt64(m.Groups[1].Value, 16), m => m.Groups[2].Value);

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void HandleCountIsEachProcesssInUseEntries(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, text) = Run0(build, format);
        var counts = Counts(text);
        Assert.Equal(scenario.Processes.Count, counts.Count);
        Assert.Equal(scenario.Processes.Count, scenario.Processes.Select(p => p.HandleCount).Distinct().Count());
        for (int i = 0; i < scenario.Processes.Count; i++)
            Assert.Equal($"{scenario.Processes[i].HandleCount}.", counts[scenario.ProcessObjectAddresses[i]]);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void AMissingTablePageGivesQuestionMarkAndSaysWhy(int build, KernelDumpBuilder.Layout format)
    {
        // The two-level table loses its second entry page, the three-level one its level-1 page.
        int two = HandleTableWriter.TwoPageProcess, three = HandleTableWriter.ThreeLevelProcess;
        ulong entries = HandleTableWriter.LevelZeroPage(two, 1), middle = HandleTableWriter.MiddlePage(three);
        var (scenario, text) = Run0(build, format, s =>
        {
            s.Tables.SetPte(entries, 0);
            s.Tables.SetPte(middle, 0);
        });
        var counts = Counts(text);
        if (scenario.Layout.HasField("_HANDLE_TABLE", "HandleCount"))
        {
            // Windows 7 keeps the counter: no walk, so the missing pages do not matter.
            Assert.Equal($"{scenario.Processes[two].HandleCount}.", counts[scenario.ProcessObjectAddresses[two]]);
            Assert.Equal($"{scenario.Processes[three].HandleCount}.", counts[scenario.ProcessObjectAddresses[three]]);
            return;
        }
        Assert.Equal("?", counts[scenario.ProcessObjectAddresses[two]]);
        Assert.Equal("?", counts[scenario.ProcessObjectAddresses[three]]);
        Assert.Contains($"level-0 page at {Backtick(entries)} is not in the dump", text);
        Assert.Contains($"level-1 page at {Backtick(middle)} is not in the dump", text);
        // The other processes' tables are whole.
        for (int i = 0; i < scenario.Processes.Count; i++)
            if (i != two && i != three) Assert.Equal($"{scenario.Processes[i].HandleCount}.", counts[scenario.ProcessObjectAddresses[i]]);
    }

    private static string Backtick(ulong address) => $"{address >> 32:x8}`{address & 0xffffffff:x8}";
}
