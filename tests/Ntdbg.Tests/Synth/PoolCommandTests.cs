using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Pool;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// `!pool` and `!poolfind` on the pool-pages scenario of every build, full and bitmap: classic
/// pool pages (POOL_HEADER chains at each build's bitfield layout, written on the kernels with
/// classic pool) list exactly the blocks written, starred where the address falls; big
/// allocations come from nt!PoolBigPageTable on every build; a broken chain and a page the dump
/// lacks are reported. The expectations come from the scenario's records, not from ntdbg.
/// </summary>
public sealed partial class PoolCommandTests
{
    internal sealed record Block(bool Starred, ulong Address, ulong Size, ulong PreviousSize, bool Allocated, string Tag, bool Protected);

    [GeneratedRegex(@"^([ *])([0-9a-f]{16}) size: +([0-9a-f]+) previous size: +([0-9a-f]+)  \((Allocated|Free)\) +([ *])(.{4})( \(Protected\))?$")]
    private static partial Regex BlockLine();

    [GeneratedRegex(@"^([0-9a-f]{16}) size: +([0-9a-f]+) previous size: +([0-9a-f]+)  \((Allocated|Free)\) +(.{4})( \(Protected\))?$")]
    private static partial Regex FoundLine();

    [GeneratedRegex(@"^([0-9a-f]{16}) : tag (.{4}), size 0x([0-9a-f]+), (Paged|Nonpaged) pool$")]
    private static partial Regex BigFoundLine();

    internal static (KernelScenario Scenario, Func<string, string> Run) Open(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = PoolScenarios.PoolPages(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"pool-{build}.dmp", bytes));
        var session = new DebugSession(target, isf);
        return (scenario, command => Run.Text(target, command, session));
    }

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Select(l => l.TrimEnd('\r'));

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static List<Block> Blocks(string output) =>
        [.. Lines(output).Select(l => BlockLine().Match(l)).Where(m => m.Success)
            .Select(m => new Block(m.Groups[1].Value == "*", Hex(m.Groups[2].Value), Hex(m.Groups[3].Value), Hex(m.Groups[4].Value), m.Groups[5].Value == "Allocated", m.Groups[7].Value, m.Groups[8].Success))];

    private static bool Classic(KernelScenario s) => PoolAllocationWriter.HasClassicPool(s.Layout);

    private static IEnumerable<SyntheticPoolPage> SoundPages(KernelScenario s) => s.PoolAllocations.Pages.Where(p => p.CorruptBlock == null);

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PoolListsTheBlocksOfTheSoundPagesStarringTheOneHoldingTheAddress(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        foreach (var page in SoundPages(scenario))
        {
            var laid = page.Laid().ToList();
            foreach (var (address, _, block) in laid)
            {
                ulong inside = address + block.Size / 2;
                string output = run($"!pool {inside:x}");
                if (!Classic(scenario))
                {
                    // A segment-heap kernel has no classic pages there: the segment-heap walker finds no segment (SegmentHeapPoolTests lists its pages).
                    Assert.Contains("is in no segment of the 3 pool heaps", output);
                    Assert.Empty(Blocks(output));
                    continue;
                }
                Assert.Contains($"Pool page {inside:x16} region is {(page.Paged ? "Paged" : "Nonpaged")} pool", output);
                var expected = laid.Select(b => new Block(b.Address == address, b.Address, b.Block.Size, b.PreviousSize, b.Block.Allocated, b.Block.Tag.PadRight(4), b.Block.Protected)).ToList();
                Assert.Equal(expected, Blocks(output));
                // The starred block's tag description follows it (no pooltag.txt here: the debugger's UNKNOWN line).
                Assert.Contains($"\t\tPooltag {block.Tag.PadRight(4)} : ", output);
                // Flag 2: only the block holding the address.
                Assert.Equal(expected.Where(b => b.Starred).ToList(), Blocks(run($"!pool {inside:x} 2")));
            }
        }
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PoolShowsTheBigAllocationHoldingAnAddress(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        foreach (var big in scenario.PoolAllocations.BigPages)
        {
            string output = run($"!pool {big.Va + big.Size - 1:x}");
            string line = $"*{big.Va:x16} : large page allocation, tag is {big.Tag}, size is 0x{big.Size:x} bytes";
            if (big.Free)
            {
                Assert.DoesNotContain("large page allocation", output);
                Assert.Contains($"{big.Va:x16} is not a valid large pool allocation", run($"!pool {big.Va:x}"));
            }
            else
            {
                Assert.Equal(line, Lines(output).First());
                Assert.Equal($"\t\tPooltag {big.Tag} : UNKNOWN pooltag '{big.Tag}', please update pooltag.txt", Lines(output).ElementAt(1));
            }
        }
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PoolFindReturnsExactlyTheScenariosAllocationsWithTheTag(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        foreach (bool paged in new[] { false, true })
        {
            string output = run($"!poolfind Leak {(paged ? 1 : 0)}");
            var bigExpected = scenario.PoolAllocations.BigPages.Where(b => b.Tag == "Leak" && !b.Free)
                .Select(b => (b.Va, b.Size, b.Paged)).OrderBy(b => b.Va).ToList();
            var bigFound = Lines(output).Select(l => BigFoundLine().Match(l)).Where(m => m.Success)
                .Select(m => (Hex(m.Groups[1].Value), Hex(m.Groups[3].Value), m.Groups[4].Value == "Paged")).ToList();
            Assert.Equal(bigExpected, bigFound);
            Assert.Contains("Scanning large pool allocation table for tag 0x6b61654c (Leak) (", output);

            var blocks = Lines(output).Select(l => FoundLine().Match(l)).Where(m => m.Success)
                .Select(m => (Hex(m.Groups[1].Value), Hex(m.Groups[2].Value), Hex(m.Groups[3].Value), m.Groups[4].Value == "Allocated")).ToList();
            if (!Classic(scenario))
            {
                // The segment-heap kernels: the 'Leak' chunks of the scenario's VS and LFH subsegments in that pool.
                var chunks = scenario.SegmentHeapPool.Chunks.Where(c => c.Paged == paged && c.Tag == "Leak").Select(c => (c.Address, c.Size, 0UL, c.Allocated)).ToList();
                Assert.NotEmpty(chunks);
                Assert.Equal(chunks, blocks);
                continue;
            }
            // Blocks of the corrupt page are not trusted, so not found; free 'Leak' blocks are.
            var expected = SoundPages(scenario).Where(p => p.Paged == paged).SelectMany(p => p.Laid())
                .Where(b => b.Block.Tag == "Leak").Select(b => (b.Address, b.Block.Size, b.PreviousSize, b.Block.Allocated)).OrderBy(b => b.Address).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, blocks.OrderBy(b => b.Item1).ToList());
        }
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void CorruptPageListsTheChainUpToTheBreakAndSaysWhere(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        if (!Classic(scenario)) return; // the segment-heap kernels have no classic pages (the scenario writes none)
        var page = scenario.PoolAllocations.Pages.Single(p => p.CorruptBlock != null);
        var laid = page.Laid().ToList();
        string output = run($"!pool {page.Va + 0x10:x}");
        var expected = laid.Take(page.CorruptBlock!.Value)
            .Select(b => new Block(b.Address == page.Va, b.Address, b.Block.Size, b.PreviousSize, b.Block.Allocated, b.Block.Tag.PadRight(4), b.Block.Protected)).ToList();
        Assert.Equal(expected, Blocks(output));
        var broken = laid[page.CorruptBlock.Value];
        Assert.Contains($"Pool page {page.Va:x16} is corrupt: {broken.Address:x16} has previous size", output);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PageMissingFromTheDumpIsReportedAsMissing(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, run) = Open(build, format);
        ulong missing = scenario.PoolAllocations.Pages.Max(p => p.Va) + 0x10000;
        Assert.False(scenario.Tables.IsMapped(missing));
        string output = run($"!pool {missing + 0x20:x}");
        Assert.Empty(Blocks(output));
        if (Classic(scenario)) Assert.Contains($"Pool page {missing:x16} is not in the dump", output);
        else Assert.Contains("is in no segment of the 3 pool heaps", output);
    }

    [SharedDataFact]
    public void BadArgumentsAreOneLineErrors()
    {
        var (_, run) = Open(7601, KernelDumpBuilder.Layout.Bitmap);
        Assert.Contains("usage", run("!pool"));
        Assert.Contains("longer than four", run("!poolfind LeakyTag"));
        Assert.Contains("pool type 3", run("!poolfind Leak 3"));
        Assert.Contains("not supported", run("!poolfind Leak 4"));
    }

    [SharedDataFact("pool/pooltag.txt")]
    public void StarredBlockAndBigAllocationGetTheirPooltagTxtDescription()
    {
        string isf = TestData.Shared("kernel/isf");
        using var pooltags = new PooltagFolder();
        var database = pooltags.Database;
        var scenario = PoolScenarios.PoolPages(IsfLayout.ForBuild(isf, 7601), 7601);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes("pool-tags.dmp", scenario.Write(KernelDumpBuilder.Layout.Bitmap)));
        var session = new DebugSession(target, isf + ";" + pooltags.Path);
        var file = scenario.PoolAllocations.Pages.SelectMany(p => p.Laid()).First(b => b.Block.Tag == "File");
        string output = Run.Text(target, $"!pool {file.Address + 0x20:x}", session);
        Assert.Contains($"\t\tPooltag File : {database.Describe("File")}", output);
        Assert.Contains($"*{file.Address:x16} size:", output);
        Assert.Contains("  (Allocated) *File (Protected)", output); // bit 31 of the tag
        var big = scenario.PoolAllocations.BigPages.First(b => b.Tag == "MmSt");
        Assert.Contains($"\t\tPooltag MmSt : {database.Describe("MmSt")}", Run.Text(target, $"!pool {big.Va:x}", session));
        Assert.DoesNotContain("Pooltag", Run.Text(target, $"!pool {big.Va:x} 80000000", session));
    }

    [SharedDataFact]
    public void AnOversizedBigPageTableIsReadOnlyAsFarAsTheDumpHoldsIt()
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = PoolScenarios.PoolPages(IsfLayout.ForBuild(isf, 19041), 19041);
        // A corrupt count: far more entries than the table's pages (and than any real table).
        scenario.BeforeDump.Add(s => new KernelVariableWriter(s, 0).WriteVariable("PoolBigPageTableSize", null, null, 0xffff_ffff_ffff));
        var target = KernelDumpTarget.Open(MappedFile.FromBytes("pool-bigsize.dmp", scenario.Write(KernelDumpBuilder.Layout.Bitmap)));
        string output = Run.Text(target, "!poolfind Leak", new DebugSession(target, isf));
        Assert.Contains("nt!PoolBigPageTableSize is 281474976710655, more than 2097152: only the first 2097152 entries are read", output);
        Assert.Contains("are not in the dump", output);
        var expected = scenario.PoolAllocations.BigPages.Where(b => b.Tag == "Leak" && !b.Free).Select(b => b.Va).Order().ToList();
        Assert.Equal(expected, Lines(output).Select(l => BigFoundLine().Match(l)).Where(m => m.Success).Select(m => Hex(m.Groups[1].Value)).ToList());
    }
}
