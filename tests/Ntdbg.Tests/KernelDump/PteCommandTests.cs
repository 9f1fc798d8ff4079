using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Json;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Synth.Kernel;
using Ntdbg.Targets;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;
using S = Ntdbg.Tests.KernelDump.SyntheticX64Scenario;

namespace Ntdbg.Tests.KernelDump;

/// <summary>
/// `!pte` and `!vtop` on a synthetic x64 dump whose page tables the test wrote: every printed
/// entry address, value, frame and flag string is compared with what the builder put there, and
/// each self-map address is checked by reading it back through the dump's own translation.
/// </summary>
public sealed class PteCommandTests
{
    private const int SelfMapSlot = 0x1DA; // PTE base FFFFED00`00000000, a randomized slot as on Windows 10
    private const ulong FlaggedVa = S.Data4K + 0x6000;
    private const ulong ProcessVa = 0x00007ff612340000;
    private static readonly int[] Shifts = [39, 30, 21, 12];

    private sealed class Machine
    {
        public S Scenario { get; } = new();
        public ulong FlaggedPfn { get; }
        public ulong FlaggedPte { get; }
        public PageTableBuilder Process { get; }
        public ulong ProcessPfn { get; }
        public KernelDumpTarget Target { get; }
        private readonly Dictionary<(ulong, int), (ulong Pa, ulong Value)> _entries = [];

        public Machine()
        {
            var s = Scenario;
            s.Memory.WriteUInt64((s.Tables.Pml4Pfn << 12) + SelfMapSlot * 8, (s.Tables.Pml4Pfn << 12) | 0x63);
            FlaggedPfn = s.Memory.AllocatePage();
            // Valid, writable, user, accessed, dirty, global, no-execute.
            FlaggedPte = (FlaggedPfn << 12) | 0x1 | 0x2 | 0x4 | 0x20 | 0x40 | 0x100 | (1UL << 63);
            s.Tables.SetPte(FlaggedVa, FlaggedPte);
            Process = new PageTableBuilder(s.Memory);
            ProcessPfn = Process.AllocateAndMap(ProcessVa, 1);
            foreach (ulong va in new[] { FlaggedVa, S.Data4K, S.TransitionVa, S.ZeroPteVa, S.PageFileVa, S.Large2M, S.Huge1G })
                foreach (int shift in Shifts) Record(s.Tables, va, shift);
            foreach (int shift in Shifts) Record(Process, ProcessVa, shift);
            Target = KernelDumpTarget.Open(MappedFile.FromBytes("pte.dmp", s.Build(KernelDumpBuilder.Layout.Full)));
        }

        private void Record(PageTableBuilder tables, ulong va, int shift)
        {
            if (shift < 30 && va == S.Huge1G || shift < 21 && va == S.Large2M) return; // no table below a large page
            ulong pa = tables.EntryAddress(va, shift);
            _entries[(va, shift)] = (pa, Scenario.Memory.ReadUInt64(pa));
        }

        public (ulong Pa, ulong Value) Entry(ulong va, int shift) => _entries[(va, shift)];
    }

    private sealed record Column(string Name, ulong? At, string Contains, string Pfn);

    private static ulong Hex(string s) => ulong.Parse(s.Replace("`", ""), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The three column rows of `!pte`, split into one record per level.</summary>
    private static List<Column> Columns(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int at = lines.FindIndex(l => Regex.IsMatch(l, @"^(PXE|PPE|PDE|PTE) at "));
        var names = Regex.Matches(lines[at], @"(PXE|PPE|PDE|PTE) at ([0-9A-F?]+)");
        var contains = Regex.Matches(lines[at + 1], @"contains ([0-9A-F?]+)");
        var pfns = Regex.Matches(lines[at + 2], @"pfn [0-9a-f]+\s+[-A-Z]{11}|not valid|not in dump");
        Assert.Equal(names.Count, contains.Count);
        Assert.Equal(names.Count, pfns.Count);
        return names.Select((m, i) => new Column(m.Groups[1].Value, m.Groups[2].Value.Contains('?') ? null : Hex(m.Groups[2].Value),
            contains[i].Groups[1].Value, pfns[i].Value)).ToList();
    }

    /// <summary>Each printed level against the builder's entry, and its self-map address read back through the dump.</summary>
    private static List<Column> AssertLevels(Machine m, ulong va, string text, int levels)
    {
        var columns = Columns(text);
        Assert.Equal(new[] { "PXE", "PPE", "PDE", "PTE" }.Take(levels), columns.Select(c => c.Name));
        for (int i = 0; i < levels; i++)
        {
            ulong value = m.Entry(va, Shifts[i]).Value;
            Assert.Equal(value.ToString("X16", CultureInfo.InvariantCulture), columns[i].Contains);
            // The self-map address shows the same entry when read as kernel virtual memory.
            Assert.True(m.Target.Memory.TryReadUInt64(columns[i].At!.Value, out ulong throughSelfMap, out var fault), fault?.Detail);
            Assert.Equal(value, throughSelfMap);
            if (i + 1 < levels)
                Assert.StartsWith($"pfn {m.Entry(va, Shifts[i + 1]).Pa >> 12:x} ", columns[i].Pfn); // names the next table
        }
        return columns;
    }

    [Fact]
    public void FourKiBPageShowsAllFourLevelsWithWinDbgFlags()
    {
        var m = new Machine();
        using var t = m.Target;
        string text = Run.Text(t, $"!pte {FlaggedVa:x}");
        Assert.Contains($"VA {FlaggedVa:x16}", text);
        var columns = AssertLevels(m, FlaggedVa, text, 4);
        Assert.Equal($"pfn {m.FlaggedPfn:x}".PadRight(14) + "-G-DA--UW-V", columns[3].Pfn);
        // Upper levels the builder wrote as present + writable only.
        Assert.EndsWith("-------KWEV", columns[0].Pfn);
        Assert.Contains($"PTE base FFFFED0000000000: PML4 entry 0x{SelfMapSlot:x} points at the PML4 itself", text);
        Assert.Contains($"Translates to physical address {m.FlaggedPfn << 12:x} (4 KiB page)", text);
    }

    [Fact]
    public void LargeAndHugePagesStopAtTheirLevel()
    {
        var m = new Machine();
        using var t = m.Target;
        string two = Run.Text(t, $"!pte {S.Large2M + 0x1234:x}");
        var columns = AssertLevels(m, S.Large2M, two, 3);
        Assert.Equal($"pfn {S.Large2MPhysical >> 12:x}".PadRight(14) + "--L----KWEV", columns[2].Pfn);
        Assert.Contains($"Translates to physical address {S.Large2MPhysical + 0x1234:x} (2 MiB page)", two);

        string one = Run.Text(t, $"!pte {S.Huge1G + 0x123456:x}");
        columns = AssertLevels(m, S.Huge1G, one, 2);
        Assert.Equal($"pfn {S.Huge1GPhysical >> 12:x}".PadRight(14) + "--L----KWEV", columns[1].Pfn);
        Assert.Contains($"Translates to physical address {S.Huge1GPhysical + 0x123456:x} (1 GiB page)", one);
    }

    [Fact]
    public void NotValidPtesSayWhatTheyHold()
    {
        var m = new Machine();
        using var t = m.Target;
        string zero = Run.Text(t, $"!pte {S.ZeroPteVa:x}");
        Assert.Equal("not valid", AssertLevels(m, S.ZeroPteVa, zero, 4)[3].Pfn);
        Assert.Contains("Not translated: the PTE is zero: the address is not mapped", zero);

        string pageFile = Run.Text(t, $"!pte {S.PageFileVa:x}");
        Assert.Equal("not valid", AssertLevels(m, S.PageFileVa, pageFile, 4)[3].Pfn);
        Assert.Contains("PageFile: 1\nOffset: 1234\nProtect: 4 - ReadWrite", pageFile.ReplaceLineEndings("\n"));
        Assert.Contains("is paged out: page file 1, offset 1234", pageFile);

        string transition = Run.Text(t, $"!pte {S.TransitionVa + 0x10:x}");
        Assert.Equal("not valid", AssertLevels(m, S.TransitionVa, transition, 4)[3].Pfn);
        Assert.Contains($"Transition: {m.Scenario.TransitionPfn:x}\nProtect: 4 - ReadWrite", transition.ReplaceLineEndings("\n"));
        Assert.Contains($"Translates to physical address {(m.Scenario.TransitionPfn << 12) + 0x10:x} (4 KiB page, in transition)", transition);
    }

    [Fact]
    public void VtopWalksAnyDirectoryBaseGivenAsAddressOrFrame()
    {
        var m = new Machine();
        using var t = m.Target;
        foreach (string dirBase in new[] { $"{m.Process.Cr3:x}", $"{m.Process.Pml4Pfn:x}" })
        {
            var lines = Run.Lines(t, $"!vtop {dirBase} {ProcessVa + 0x123:x}");
            Assert.StartsWith($"Amd64VtoP: Virt {ProcessVa + 0x123:x}, pagedir {m.Process.Cr3:x16}", lines[0]);
            string[] names = ["PML4E", "PDPE", "PDE", "PTE"];
            for (int i = 0; i < 4; i++)
                Assert.Equal($"Amd64VtoP: {names[i]} {m.Entry(ProcessVa, Shifts[i]).Pa:x16}", lines[1 + i]);
            Assert.Equal($"Amd64VtoP: Mapped phys {(m.ProcessPfn << 12) + 0x123:x16}", lines[5]);
            Assert.Equal($"Virtual address {ProcessVa + 0x123:x} translates to physical address {(m.ProcessPfn << 12) + 0x123:x}.", lines[6]);
        }
        // The dump's own directory base does not map the process's address: its PML4 slot is empty.
        var own = Run.Lines(t, $"!vtop 0 {ProcessVa:x}");
        Assert.StartsWith($"Amd64VtoP: Virt {ProcessVa:x}, pagedir {m.Scenario.Tables.Cr3 | 2:x16}", own[0]);
        Assert.Equal($"Virtual address {ProcessVa:x} translation fails: the PXE is zero: the address is not mapped.", own[^1]);
    }

    [Fact]
    public void JsonCarriesTheTypedWalk()
    {
        var m = new Machine();
        using var t = m.Target;
        var outcome = new CommandExecutor(new DebugSession(t)).ExecuteLine($"!pte {S.PageFileVa:x}").Single();
        var walk = Assert.IsType<PteResult>(outcome.Result).Walk;
        Assert.Equal(PageWalkEnd.PageFile, walk.End);
        Assert.Equal(m.Entry(S.PageFileVa, 12), (walk.Levels[3].PhysicalAddress, walk.Levels[3].Value!.Value));
        Assert.Equal(0x1234UL, walk.Levels[3].Flags!.PageFileOffset);
        string json = JsonRendering.Render(outcome);
        Assert.Contains("\"end\":\"PageFile\"", json);
        Assert.Contains($"\"pteBase\":{0xFFFFED0000000000UL}", json);
    }

    [Fact]
    public void PaeShowsThePdeAndPteAtTheirSelfMapAddresses()
    {
        var memory = new SyntheticPhysicalMemory();
        var pt = new PaePageTableBuilder(memory);
        const uint va = 0x80123456;
        ulong pfn = pt.AllocateAndMap(va & ~0xFFFu, 1);
        foreach (uint gb in new uint[] { 0x00001000, 0x40001000, 0xC0801000 }) pt.AllocateAndMap(gb, 1); // all four page directories exist
        ulong Pd(int i) => memory.ReadUInt64(pt.Cr3 + (ulong)i * 8) & 0x000F_FFFF_FFFF_F000;
        // The self-map: the top directory's first four PDEs map the four directories at C0000000-C07FFFFF.
        for (int i = 0; i < 4; i++) memory.WriteUInt64(Pd(3) + (ulong)i * 8, Pd(i) | 0x63);
        ulong pdePa = Pd(2) + ((va >> 21) & 0x1ff) * 8, pde = memory.ReadUInt64(pdePa);
        ulong ptePa = (pde & 0x000F_FFFF_FFFF_F000) + ((va >> 12) & 0x1ff) * 8, pte = memory.ReadUInt64(ptePa);
        var bytes = new KernelDumpBuilder { Is64 = false, MachineImageType = 0x14c, PaeEnabled = true, MinorVersion = 7601, DirectoryTableBase = pt.Cr3 }.Build(memory);
        using var t = KernelDumpTarget.Open(MappedFile.FromBytes("pae.dmp", bytes));

        string text = Run.Text(t, $"!pte {va:x}");
        Assert.Contains($"VA {va:x8}", text);
        var columns = Columns(text);
        Assert.Equal(["PDE", "PTE"], columns.Select(c => c.Name));
        Assert.Equal([pde.ToString("X16", CultureInfo.InvariantCulture), pte.ToString("X16", CultureInfo.InvariantCulture)], columns.Select(c => c.Contains));
        foreach (var (column, value) in columns.Zip(new[] { pde, pte }))
        {
            Assert.True(t.Memory.TryReadUInt64(column.At!.Value, out ulong throughSelfMap, out var fault), fault?.Detail);
            Assert.Equal(value, throughSelfMap);
        }
        Assert.Equal($"pfn {pfn:x}".PadRight(14) + "-------KW-V", columns[1].Pfn); // the builder sets NX on PAE PTEs
        Assert.Contains($"Translates to physical address {(pfn << 12) | 0x456:x} (4 KiB page)", text);

        var vtop = Run.Lines(t, $"!vtop 0 {va:x}");
        Assert.Equal($"X86VtoP: PAE PDPE {pt.Cr3 + 2 * 8:x16}", vtop[1]);
        Assert.Equal($"X86VtoP: PAE PDE {pdePa:x16}", vtop[2]);
        Assert.Equal($"X86VtoP: PAE PTE {ptePa:x16}", vtop[3]);
        Assert.Equal($"Virtual address {va:x} translates to physical address {(pfn << 12) | 0x456:x}.", vtop[^1]);
    }

    [SharedDataFact("kernel/full_dump_header_only_19045.bin")]
    public void HeaderOnlyDumpSaysThePml4PageIsMissing()
    {
        string path = TestData.Shared("kernel/full_dump_header_only_19045.bin");
        ulong dtb = BitConverter.ToUInt64(File.ReadAllBytes(path), 0x10); // DUMP_HEADER64.DirectoryTableBase
        using var t = TargetLoader.Open(path);
        const ulong va = 0xfffff80000000000;
        ulong pxePhysical = (dtb & 0x000F_FFFF_FFFF_F000) + 0x1F0 * 8;
        var fault = ((IKernelTarget)t).PhysicalMemory.Read(pxePhysical, new byte[8], out var f) == 8 ? null : f;
        Assert.NotNull(fault); // the file ends before the PML4 page
        string text = Run.Text(t, $"!pte {va:x}");
        Assert.Equal("not in dump", Columns(text).Single().Pfn);
        Assert.Contains($"Not translated: the PXE at physical {pxePhysical:x} is not in the dump: {fault!.Detail}", text);
        Assert.Contains("PTE base ?: unknown: no nt!MmPteBase in the symbols and the PML4 page is not readable", text);
        Assert.Contains($"Entry physical addresses: PXE {pxePhysical:x}", text);
        Assert.Contains("translation fails: the PXE at physical", Run.Text(t, $"!vtop 0 {va:x}"));
    }
}
