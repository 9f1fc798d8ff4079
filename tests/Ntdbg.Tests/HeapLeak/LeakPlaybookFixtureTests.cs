using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.HeapLeak;
using Ntdbg.Commands.Session;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;

namespace Ntdbg.Tests.HeapLeak;

/// <summary>
/// Issue 8's acceptance on the project's real Wine fixtures, each step of "Troubleshooting Memory Leaks
/// With Just a Dump" against the truth the programs wrote of themselves: blobleak (useheap.dll's
/// Blob::m_Heap leaks 20,000 blocks) and manyheaps (the leak sits in the second largest heap, the
/// largest one's blocks all stay referenced).
/// </summary>
public sealed partial class LeakPlaybookFixtureTests
{
    public static TheoryData<string> Arches() => new("x64", "x86");

    private static (UserDumpTarget Target, DebugSession Session, FixtureTruth Truth) Open(string program, string arch)
    {
        var target = UserDumpTarget.Open(FixtureFiles.PrivateDump($"{program}-{arch}"));
        // useheap.dll's PDB sits in fixtures/out/<arch>, the exes' in fixtures/out.
        var session = new DebugSession(target, $"{FixtureFiles.Out(arch)};{FixtureFiles.Out("")}");
        return (target, session, FixtureTruth.Load($"{program}-{arch}"));
    }

    [GeneratedRegex(@"^(\S+(?: \S+)?)\s+(\d+)\s+\S+\s+\(\s*([\d.]+) (kb|Mb|Gb|Tb)\)")]
    private static partial Regex UsageRow();

    /// <summary>
    /// `!address -summary`: on x64, Heap is the first busy usage row (the 80 MB leak outweighs Wine's 21 MB
    /// of images). On x86, Wine's WoW64 reserves ~1.5 GB of address space up front, which WinDbg's table
    /// counts as busy <unknown>: there the triage's committed-memory view must still name Heap.
    /// </summary>
    [Theory, MemberData(nameof(Arches))]
    public void AddressSummaryShowsHeapDominating(string arch)
    {
        var (target, session, truth) = Open("blobleak", arch);
        using var owned = target;
        var rows = Run.Text(target, "!address -summary", session).Split('\n')
            .SkipWhile(l => !l.StartsWith("--- Usage Summary", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("---", StringComparison.Ordinal))
            .Select(l => UsageRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Where(n => n != "Free").ToList();
        if (arch == "x64") Assert.Equal("Heap", rows[0]);
        else Assert.Contains("Heap", rows);
        var report = LeakTriage.Run(session);
        Assert.Equal("Heap", report.DominantUsage);
        var heap = report.Usage.Single(u => u.Usage == "Heap");
        Assert.True(heap.CommittedBytes >= truth.LeakHeap.CommittedBytes, $"Heap commit {heap.CommittedBytes} below the leak heap's {truth.LeakHeap.CommittedBytes}");
    }

    /// <summary>`!heap -s` lists the Blob heap with its commit within 1% of what VirtualQuery measured in the program.</summary>
    [Theory, MemberData(nameof(Arches))]
    public void HeapSummaryListsTheBlobHeapWithTheTruthsCommit(string arch)
    {
        var (target, session, truth) = Open("blobleak", arch);
        using var owned = target;
        var leak = truth.LeakHeap;
        string handle = leak.Handle.ToString(arch == "x64" ? "x16" : "x8", CultureInfo.InvariantCulture);
        var line = Run.Text(target, "!heap -s", session).Split('\n').Single(l => l.TrimStart().StartsWith(handle, StringComparison.Ordinal));
        var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double commitKb = double.Parse(columns[3], CultureInfo.InvariantCulture);
        Assert.InRange(commitKb * 1024, leak.CommittedBytes * 0.99, leak.CommittedBytes * 1.01);
    }

    /// <summary>`s -q`/`s -d` for the heap handle hits useheap!Blob::m_Heap, and `ln` names it.</summary>
    [Theory, MemberData(nameof(Arches))]
    public void SearchForTheHandleHitsBlobMHeapAndLnNamesIt(string arch)
    {
        var (target, session, truth) = Open("blobleak", arch);
        using var owned = target;
        string search = arch == "x64" ? $"s -q 0 L?7fffffffffffffff {truth.LeakHeap.Handle:x}" : $"s -d 0 L?ffffffff {truth.LeakHeap.Handle:x}";
        string hits = Run.Text(target, search, session);
        string at = arch == "x64" ? $"{truth.Owner!.Address >> 32:x8}`{truth.Owner.Address & 0xffffffff:x8}" : $"{truth.Owner!.Address:x8}";
        Assert.Contains(hits.Split('\n'), l => l.StartsWith(at, StringComparison.Ordinal));
        string ln = Run.Text(target, $"ln {truth.Owner.Address:x}", session);
        Assert.Contains("useheap!Blob::m_Heap", ln);
        Assert.DoesNotContain("_ZN4Blob6m_HeapE", ln); // the linker's public for the same global is not a second match
    }

    /// <summary>`ntdbg triage leak`: the Blob heap is the suspect, its owner useheap!Blob::m_Heap, its top class the Blobs.</summary>
    [Theory, MemberData(nameof(Arches))]
    public void TriageNamesBlobMHeapAsTheOwner(string arch)
    {
        var (target, session, truth) = Open("blobleak", arch);
        using var owned = target;
        var r = LeakTriage.Run(session);
        var leak = truth.LeakHeap;
        Assert.Equal(leak.Handle, r.Suspect!.Summary.Address);
        Assert.Equal(("useheap!Blob::m_Heap", truth.Owner!.Address), (r.Owner!.Symbol, r.Owner.Address));
        var top = r.Suspect.TopSizeClasses[0];
        Assert.Equal(((ulong)leak.BytesEach, (long)leak.Allocations), (top.UserSize, top.Blocks));
        // Nothing keeps the Blobs: at most a few stale copies of a pointer survive on the stack or in registers.
        Assert.True(top.Unreferenced >= leak.Allocations * 0.85, $"only {top.Unreferenced} of {leak.Allocations} Blobs unreferenced");

        var text = new StringWriter();
        Assert.Equal(0, Ntdbg.Cli.Triage.TriageLeakCommand.Run(["leak", target.Path, "-y", $"{FixtureFiles.Out(arch)};{FixtureFiles.Out("")}"], text, TextWriter.Null));
        Assert.Contains("owner:       useheap!Blob::m_Heap at", text.ToString());
        var json = new StringWriter();
        Assert.Equal(0, Ntdbg.Cli.Triage.TriageLeakCommand.Run(["leak", target.Path, "--json", "-y", $"{FixtureFiles.Out(arch)};{FixtureFiles.Out("")}"], json, TextWriter.Null));
        using var doc = JsonDocument.Parse(json.ToString());
        Assert.Equal("useheap!Blob::m_Heap", doc.RootElement.GetProperty("result").GetProperty("owner").GetProperty("symbol").GetString());
    }

    /// <summary>Several heaps: the playbook picks the leaking heap (second by size), not the biggest, and names its global.</summary>
    [Theory, MemberData(nameof(Arches))]
    public void SeveralHeapsPicksTheLeakingHeapNotTheBiggest(string arch)
    {
        var (target, session, truth) = Open("manyheaps", arch);
        using var owned = target;
        var r = LeakTriage.Run(session);
        var biggest = truth.Heaps.MaxBy(h => h.CommittedBytes)!;
        Assert.NotEqual(biggest.Handle, truth.LeakHeap.Handle);
        Assert.Equal(biggest.Handle, r.Heaps[0].Summary.Address); // the report lists the biggest first...
        Assert.Equal(truth.LeakHeap.Handle, r.Suspect!.Summary.Address); // ...and suspects the leaking one
        Assert.Equal(0, r.Heaps[0].UnreferencedBlocks);
        Assert.Equal($"{truth.Owner!.Module}!{truth.Owner.Symbol}", r.Owner!.Symbol);
        Assert.Equal(((ulong)truth.LeakHeap.BytesEach, (long)truth.LeakHeap.Allocations), (r.Suspect.TopSizeClasses[0].UserSize, r.Suspect.TopSizeClasses[0].Blocks));
    }
}
