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
/// `!poolused` on the synthetic dumps of every build, full and bitmap: the rows are exactly the
/// scenario's pool tags (nt!PoolTrackTable written at each build's _POOL_TRACKER_TABLE widths),
/// with allocs − frees and bytes computed from the scenario's records, in the order the flags ask.
/// </summary>
public sealed partial class PoolUsedTests
{
    private sealed record Row(string Tag, long NpAllocs, ulong NpBytes, long PAllocs, ulong PBytes);

    [GeneratedRegex(@"^ (.{4}) +(-?\d+) +(\d+) +(-?\d+) +(\d+)    (.*)$")]
    private static partial Regex RowLine();

    private static (KernelScenario Scenario, Func<string, string> Run) Open(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"poolused-{build}.dmp", bytes));
        var session = new DebugSession(target, isf);
        return (scenario, command => Run.Text(target, command, session));
    }

    private static List<Row> Rows(string output) =>
        [.. output.Split('\n').Select(l => RowLine().Match(l.TrimEnd('\r'))).Where(m => m.Success && m.Groups[1].Value != "TOTA")
            .Select(m => new Row(m.Groups[1].Value, long.Parse(m.Groups[2].Value), ulong.Parse(m.Groups[3].Value), long.Parse(m.Groups[4].Value), ulong.Parse(m.Groups[5].Value)))];

    private static Row Expected(SyntheticPoolTag t) =>
        new(t.Tag, (long)t.NonPagedAllocs - (long)t.NonPagedFrees, t.NonPagedBytes, (long)t.PagedAllocs - (long)t.PagedFrees, t.PagedBytes);

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void SortedByNonPagedBytesListsEveryScenarioTag(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        string output = run("!poolused 2");
        Assert.Contains(" Sorting by NonPaged Pool Consumed", output);
        var expected = scenario.PoolTags.Select(Expected).OrderByDescending(r => r.NpBytes).ToList();
        Assert.Equal(expected, Rows(output));
        long npAllocs = expected.Sum(r => r.NpAllocs), pAllocs = expected.Sum(r => r.PAllocs);
        ulong npBytes = expected.Aggregate(0UL, (a, r) => a + r.NpBytes), pBytes = expected.Aggregate(0UL, (a, r) => a + r.PBytes);
        Assert.Matches($@"(?m)^ TOTAL +{npAllocs} +{npBytes} +{pAllocs} +{pBytes}\r?$", output);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void TopThreeByPagedBytes(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        string output = run("!poolused /t3 4");
        Assert.Contains(" Sorting by Paged Pool Consumed", output);
        var expected = scenario.PoolTags.Select(Expected).OrderByDescending(r => r.PBytes).Take(3).ToList();
        Assert.Equal(expected, Rows(output));
    }

    [SharedDataFact]
    public void TagWildcardsFilterAndDefaultSortsByTag()
    {
        var (scenario, run) = Open(22000, KernelDumpBuilder.Layout.Bitmap);
        var byTag = scenario.PoolTags.Select(Expected).OrderBy(r => r.Tag, StringComparer.Ordinal).ToList();
        Assert.Equal(byTag, Rows(run("!poolused")));
        Assert.Equal(byTag.Where(r => r.Tag.StartsWith('N')).ToList(), Rows(run("!poolused 0 N*")));
        Assert.Equal(byTag.Where(r => r.Tag is ['P', _, _, 'l']).ToList(), Rows(run("!poolused 0 P??l")));
        Assert.Empty(Rows(run("!poolused 0 leak"))); // case-sensitive
    }

    [SharedDataFact("pool/pooltag.txt")]
    public void DescriptionsComeFromPooltagTxtFoundThroughTheSymbolPath()
    {
        string isf = TestData.Shared("kernel/isf");
        using var pooltags = new PooltagFolder();
        var database = pooltags.Database;
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, 19041), 19041);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes("poolused-tags.dmp", scenario.Write(KernelDumpBuilder.Layout.Full)));
        string text = Run.Text(target, "!poolused 2", new DebugSession(target, isf + ";" + pooltags.Path));
        var descriptions = text.Split('\n').Select(l => RowLine().Match(l.TrimEnd('\r'))).Where(m => m.Success && m.Groups[1].Value != "TOTA")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[6].Value.Trim());
        Assert.Equal(scenario.PoolTags.Count, descriptions.Count);
        foreach (var tag in scenario.PoolTags) Assert.Equal(database.Describe(tag.Tag).Trim(), descriptions[tag.Tag]);
        // Known tags get their description and binary, unknown ones the debugger's request.
        Assert.Contains(descriptions.Values, d => d.Contains("Binary: nt!", StringComparison.Ordinal));
        Assert.Contains(descriptions.Values, d => d.StartsWith("UNKNOWN pooltag", StringComparison.Ordinal));
    }
}
