using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Pool;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// `!poolused` over every tracker table the kernel keeps, on the synthetic dumps of every build,
/// full and bitmap: the standard rows are the per-tag sums of what the scenario wrote into
/// nt!PoolTrackTable, the other processors' nt!ExPoolTagTables tables (whose bytes alone go below
/// zero) and nt!PoolTrackTableExpansion; flag 8 rows are the current session's table and expansion
/// table, read through a session process's page tables (the system's do not map session space);
/// entries on pages the dump lacks are left out and named in a note.
/// </summary>
public sealed partial class PoolTrackerTablesTests
{
    private sealed record Verbose(string Tag, ulong NpAllocs, ulong NpFrees, long NpDiff, ulong NpUsed, ulong PAllocs, ulong PFrees, long PDiff, ulong PUsed);

    // kdexts' verbose row: the tag, eight right-aligned columns, a tab, the description.
    [GeneratedRegex(@"^ (.{4}) +(\d+) +(\d+) +(-?\d+) +(\d+) +(\d+) +(\d+) +(-?\d+) +(\d+)\t")]
    private static partial Regex VerboseRow();

    [GeneratedRegex(@"^ (.{4}) +(-?\d+) +(\d+) +(-?\d+) +(\d+)    ")]
    private static partial Regex SummaryRow();

    private sealed record Dump(KernelScenario Scenario, KernelDumpTarget Target, DebugSession Session)
    {
        public string Run(string command) => Commands.Run.Text(Target, command, Session);
    }

    private static Dump Open(int build, KernelDumpBuilder.Layout format, Action<KernelScenario>? tweak = null)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.ProcessorCount = 3;
        tweak?.Invoke(scenario);
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"pooltables-{build}.dmp", scenario.Write(format)));
        return new Dump(scenario, target, new DebugSession(target, isf));
    }

    private static List<Verbose> VerboseRows(string output) =>
        [.. output.Split('\n').Select(l => VerboseRow().Match(l)).Where(m => m.Success)
            .Select(m => new Verbose(m.Groups[1].Value, ulong.Parse(m.Groups[2].Value), ulong.Parse(m.Groups[3].Value), long.Parse(m.Groups[4].Value), ulong.Parse(m.Groups[5].Value),
                ulong.Parse(m.Groups[6].Value), ulong.Parse(m.Groups[7].Value), long.Parse(m.Groups[8].Value), ulong.Parse(m.Groups[9].Value)))];

    private static List<Verbose> Expected(IEnumerable<WrittenTrackerEntry> entries) =>
        [.. WrittenPoolTrackers.SumByTag(entries)
            .Select(t => new Verbose(t.Tag, t.NonPagedAllocs, t.NonPagedFrees, (long)(t.NonPagedAllocs - t.NonPagedFrees), t.NonPagedBytes,
                t.PagedAllocs, t.PagedFrees, (long)(t.PagedAllocs - t.PagedFrees), t.PagedBytes))
            .OrderBy(r => r.Tag, StringComparer.Ordinal)];

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void StandardRowsSumTheMainPerProcessorAndExpansionTables(int build, KernelDumpBuilder.Layout format)
    {
        var dump = Open(build, format);
        var written = dump.Scenario.PoolTrackers;
        // The scenario really spreads the counts: every processor's table and the expansion table hold entries.
        Assert.Contains("nt!ExPoolTagTables[2]", written.Tables.Keys);
        Assert.Contains("nt!PoolTrackTableExpansion", written.Tables.Keys);
        var expected = Expected(written.Standard);
        Assert.NotEqual(expected, Expected(written.Standard.Where(e => e.Table == "nt!PoolTrackTable")));

        string output = dump.Run("!poolused 1");
        Assert.Contains(" Sorting by Tag", output);
        Assert.Contains(" Tag       Allocs       Frees      Diff         Used       Allocs       Frees      Diff         Used", output);
        Assert.Equal(expected, VerboseRows(output));
        // The same sums as the scenario's per-tag totals: nothing counted twice (ExPoolTagTables[0] is PoolTrackTable).
        Assert.Equal(dump.Scenario.PoolTags.OrderBy(t => t.Tag, StringComparer.Ordinal).Select(t => (t.Tag, t.NonPagedBytes, t.PagedBytes)),
            expected.Select(r => (r.Tag, r.NpUsed, r.PUsed)));
        ulong npAllocs = expected.Aggregate(0UL, (a, r) => a + r.NpAllocs), npFrees = expected.Aggregate(0UL, (a, r) => a + r.NpFrees);
        ulong npUsed = expected.Aggregate(0UL, (a, r) => a + r.NpUsed), pUsed = expected.Aggregate(0UL, (a, r) => a + r.PUsed);
        Assert.Matches($@"(?m)^TOTAL +{npAllocs} +{npFrees} +{(long)(npAllocs - npFrees)} +{npUsed} +\d+ +\d+ +\d+ +{pUsed}\r?$", output);

        // The result names each table once: PoolTrackTable, the two other processors' tables, the expansion table.
        var result = (PoolUsedResult)new CommandExecutor(dump.Session).Execute("!poolused").Result!;
        Assert.Equal(["nt!PoolTrackTable", "nt!ExPoolTagTables[1]", "nt!ExPoolTagTables[2]", "nt!PoolTrackTableExpansion"], result.Sources.Select(s => s.Name));
        Assert.Equal(written.Tables["nt!PoolTrackTableExpansion"].Address, result.Sources[^1].Address);
        Assert.DoesNotContain(result.Notes, n => n.Contains("not in the dump", StringComparison.Ordinal));
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void SessionRowsAreTheCurrentSessionsTables(int build, KernelDumpBuilder.Layout format)
    {
        var dump = Open(build, format);
        var sessions = dump.Scenario.PoolTrackers.Sessions;
        Assert.True(sessions[1].Select(e => e.Table).Distinct().Count() == 2, "session 1 has a table and an expansion table");

        // The bugcheck ran in explorer.exe, in session 1.
        string output = dump.Run("!poolused 9");
        Assert.Contains(" Sorting by Session Tag", output);
        Assert.Equal(Expected(sessions[1]), VerboseRows(output));
        Assert.DoesNotContain("not in the dump", output);
        Assert.DoesNotContain("Flag 8", output);

        dump.Run("!session -s 0");
        var session0 = Expected(sessions[0]);
        Assert.Equal(session0, VerboseRows(dump.Run("!poolused 9")));
        // The summary layout too, sorted by paged bytes.
        var summary = dump.Run("!poolused 0xc").Split('\n').Select(l => SummaryRow().Match(l)).Where(m => m.Success && m.Groups[1].Value != "TOTA")
            .Select(m => (m.Groups[1].Value, long.Parse(m.Groups[4].Value), ulong.Parse(m.Groups[5].Value))).ToList();
        Assert.Equal(session0.OrderByDescending(r => r.PUsed).ThenBy(r => r.Tag, StringComparer.Ordinal).Select(r => (r.Tag, r.PDiff, r.PUsed)), summary);

        var result = (PoolUsedResult)new CommandExecutor(dump.Session).Execute("!poolused 8").Result!;
        Assert.Equal(PoolUsedPool.Session, result.Pool);
        Assert.Equal(0u, result.SessionId);
    }

    [SharedDataFact]
    public void SessionPoolOfAProcessInNoSessionIsANote()
    {
        var dump = Open(22000, KernelDumpBuilder.Layout.Bitmap);
        dump.Run($".process {dump.Scenario.ProcessObjectAddresses[0]:x}"); // System
        string output = dump.Run("!poolused 8");
        Assert.Contains("belongs to no session: switch to one with !session -s <id>", output);
        Assert.Empty(VerboseRows(dump.Run("!poolused 9")));
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void EntriesOnAMissingPageAreLeftOutAndNamed(int build, KernelDumpBuilder.Layout format)
    {
        ulong page = 0;
        var dump = Open(build, format, s => s.BeforeDump.Add(k =>
        {
            // Processor 1's table loses the page of its first written entry (not present in the page tables).
            page = k.PoolTrackers.Standard.First(e => e.Table == "nt!ExPoolTagTables[1]").Address & ~0xfffUL;
            k.Tables.SetPte(page, 0);
        }));
        var written = dump.Scenario.PoolTrackers;
        string output = dump.Run("!poolused 1");
        Assert.Equal(Expected(written.Standard.Where(e => (e.Address & ~0xfffUL) != page)), VerboseRows(output));
        Assert.Matches($@"nt!ExPoolTagTables\[1\]: entries \d+-\d+ \(ffffc08d`5c{(page >> 12) & 0xfff:x3}[0-9a-f]{{3}}-", output);
        Assert.Contains("are not in the dump", output);
    }

    [SharedDataTheory]
    [MemberData(nameof(Builds))]
    public void SessionPoolLeakScenarioShowsItsTagOnTopOfTheSessionsPagedPool(int build)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = SessionPoolScenarios.SessionPoolLeak(IsfLayout.ForBuild(isf, build), build);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"session-leak-{build}.dmp", scenario.Write(KernelDumpBuilder.Layout.Bitmap)));
        string output = Commands.Run.Text(target, "!poolused /t1 c", new DebugSession(target, isf));
        Assert.Contains(" Sorting by Session Paged Pool Consumed", output);
        var leak = SessionPoolScenarios.Leak;
        Assert.Matches($@"(?m)^ {leak.Tag} +0 +0 +{leak.PagedAllocs - leak.PagedFrees} +{leak.PagedBytes}    ", output);
        Assert.Single(output.Split('\n'), l => SummaryRow().IsMatch(l));
    }

    public static TheoryData<int> Builds() => [.. IsfLayout.BuildGuidPrefix.Keys];
}
