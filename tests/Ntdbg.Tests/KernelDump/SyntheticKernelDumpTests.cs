using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.KernelDump;
using Ntdbg.Synth.Kernel;
using Ntdbg.Targets.Kernel;
using Ntdbg.Targets.Model;
using S = Ntdbg.Tests.KernelDump.SyntheticX64Scenario;

namespace Ntdbg.Tests.KernelDump;

/// <summary>Full and bitmap x64 dumps built with real page tables: every translation outcome and fault kind.</summary>
public sealed class SyntheticKernelDumpTests
{
    private static KernelDumpTarget Open(byte[] bytes, string name = "synthetic.dmp") => KernelDumpTarget.Open(MappedFile.FromBytes(name, bytes));

    public static TheoryData<KernelDumpBuilder.Layout> Layouts => [KernelDumpBuilder.Layout.Full, KernelDumpBuilder.Layout.Bitmap, KernelDumpBuilder.Layout.Rdmp];

    private static MemoryFault ReadFault(IVirtualMemory memory, ulong address, int expectedBytes = 0, int size = 16)
    {
        var buffer = new byte[size];
        int n = memory.Read(address, buffer, out var fault);
        Assert.Equal(expectedBytes, n);
        Assert.NotNull(fault);
        return fault!;
    }

    [Theory, MemberData(nameof(Layouts))]
    public void FourKiBPageReadsThroughAllFourLevels(KernelDumpBuilder.Layout layout)
    {
        var s = new S();
        using var t = Open(s.Build(layout));
        var buffer = new byte[0x1000];
        Assert.Equal(0x1000, t.Memory.Read(S.Data4K, buffer, out var fault));
        Assert.Null(fault);
        Assert.Equal(s.Pattern4K, buffer);
        Assert.Empty(t.Warnings);
        Assert.True(t.AddressSpace!.TryTranslate(S.Data4K + 0x10, out var tr, out _));
        Assert.Equal(0x1000UL, tr.PageSize);
        Assert.Equal(s.Tables.Cr3, t.AddressSpace.TableBase); // PCID bits masked
    }

    [Theory, MemberData(nameof(Layouts))]
    public void LargeAndHugePagesTranslateAndMissingFramesFault(KernelDumpBuilder.Layout layout)
    {
        var s = new S();
        using var t = Open(s.Build(layout));
        var two = new byte[0x20];
        t.Memory.ReadExact(S.Large2M + 0x1010, two);
        Assert.Equal(S.Pattern(0x2000, 2).AsSpan(0x1010, 0x20).ToArray(), two);
        Assert.True(t.AddressSpace!.TryTranslate(S.Large2M + 0x1010, out var tr, out _));
        Assert.Equal((S.Large2MPhysical + 0x1010, 0x200000UL), (tr.PhysicalAddress, tr.PageSize));

        var f = ReadFault(t.Memory, S.Large2M + 0x2000);
        Assert.Equal(MemoryFaultKind.PhysicalPageMissing, f.Kind);
        Assert.Equal(S.Large2M + 0x2000, f.Address);
        Assert.Contains($"0x{S.Large2MPhysical + 0x2000:x}", f.Detail);

        var one = new byte[8];
        t.Memory.ReadExact(S.Huge1G + 0x123008, one);
        Assert.Equal(S.Pattern(0x1000, 4).AsSpan(8, 8).ToArray(), one);
        Assert.True(t.AddressSpace.TryTranslate(S.Huge1G + 0x123008, out tr, out _));
        Assert.Equal((S.Huge1GPhysical + 0x123008, 0x40000000UL), (tr.PhysicalAddress, tr.PageSize));
        Assert.Equal(MemoryFaultKind.PhysicalPageMissing, ReadFault(t.Memory, S.Huge1G + 0x5000).Kind);
    }

    [Theory, MemberData(nameof(Layouts))]
    public void EveryPteKindIsReportedWithItsValue(KernelDumpBuilder.Layout layout)
    {
        var s = new S();
        using var t = Open(s.Build(layout));
        var buffer = new byte[0x1000];
        // Transition PTE: the page is still in RAM.
        Assert.Equal(0x1000, t.Memory.Read(S.TransitionVa, buffer, out _));
        Assert.Equal(s.PatternTransition, buffer);
        Assert.True(t.AddressSpace!.TryTranslate(S.TransitionVa, out var tr, out _) && tr.Transition);

        var zero = ReadFault(t.Memory, S.ZeroPteVa);
        Assert.Equal(MemoryFaultKind.NotMapped, zero.Kind);
        Assert.Contains("PTE 0x0", zero.Detail);

        var pageFile = ReadFault(t.Memory, S.PageFileVa + 0x20);
        Assert.Equal(MemoryFaultKind.PagedOut, pageFile.Kind);
        Assert.Equal(S.PageFileVa + 0x20, pageFile.Address);
        Assert.Contains($"0x{PageTableBuilder.PageFilePte(0x1234):x}", pageFile.Detail);
        Assert.Contains("page file", pageFile.Detail);

        var proto = ReadFault(t.Memory, S.PrototypeVa);
        Assert.Equal(MemoryFaultKind.PagedOut, proto.Kind);
        Assert.Contains("prototype", proto.Detail);
        Assert.Contains($"0x{PageTableBuilder.PrototypePte(0xabcdef):x}", proto.Detail);

        var missing = ReadFault(t.Memory, S.MissingFrameVa);
        Assert.Equal(MemoryFaultKind.PhysicalPageMissing, missing.Kind);
        Assert.Contains($"0x{S.MissingFramePfn << 12:x}", missing.Detail);

        var noPml4 = ReadFault(t.Memory, S.UnmappedPml4Va);
        Assert.Equal(MemoryFaultKind.NotMapped, noPml4.Kind);
        Assert.Contains("PML4E", noPml4.Detail);
        Assert.Equal(MemoryFaultKind.NotMapped, ReadFault(t.Memory, 0x10000).Kind);

        var pagedTable = ReadFault(t.Memory, S.PagedOutTableVa + 0x3000);
        Assert.Equal(MemoryFaultKind.PagedOut, pagedTable.Kind);
        Assert.StartsWith($"PDE 0x{PageTableBuilder.PageFilePte(0x777):x}", pagedTable.Detail);
        Assert.Contains("paging structure", pagedTable.Detail);

        var walk = t.AddressSpace!.DescribeWalk(S.PageFileVa);
        Assert.Equal(["PML4E", "PDPTE", "PDE", "PTE"], walk.Select(e => e.Level));
        Assert.Equal(PageTableBuilder.PageFilePte(0x1234), walk[^1].Value);
        Assert.Equal(s.Tables.EntryAddress(S.PageFileVa, 12), walk[^1].EntryAddress);
        Assert.Equal(2, t.AddressSpace.DescribeWalk(S.Huge1G).Count); // stops at the 1 GiB PDPTE

        var nonCanonical = ReadFault(t.Memory, 0x0000900000000000);
        Assert.Equal(MemoryFaultKind.NonCanonical, nonCanonical.Kind);
    }

    [Fact]
    public void AReadAcrossPagesStopsExactlyAtTheHole()
    {
        var s = new S();
        using var t = Open(s.Build(KernelDumpBuilder.Layout.Full));
        var buffer = new byte[0x3000];
        int n = t.Memory.Read(S.Data4K + 0x800, buffer, out var fault);
        Assert.Equal(0x1800, n); // rest of the 4 KiB page + the transition page
        Assert.Equal(S.ZeroPteVa, fault!.Address);
        Assert.Equal(s.Pattern4K.AsSpan(0x800).ToArray(), buffer.AsSpan(0, 0x800).ToArray());
        Assert.Equal(s.PatternTransition, buffer.AsSpan(0x800, 0x1000).ToArray());
    }

    [Theory, MemberData(nameof(Layouts))]
    public void ModulesKdbgSystemAndContextAreFound(KernelDumpBuilder.Layout layout)
    {
        var s = new S();
        using var t = Open(s.Build(layout));
        Assert.Equal(S.Drivers.Length, t.Modules.Count);
        for (int i = 0; i < S.Drivers.Length; i++)
        {
            var d = S.Drivers[i];
            var m = t.Modules[i];
            Assert.Equal((d.Base, (ulong)d.Size, d.TimeDateStamp, d.CheckSum), (m.Base, m.Size, m.TimeDateStamp, m.CheckSum));
            Assert.Equal(KernelStructWriter.ImagePath(d.FileName), m.ImagePath);
        }
        Assert.Equal("nt", t.Modules[0].Name);
        Assert.Equal("hal", t.Modules[1].Name);
        Assert.Equal([("dam.sys", 0xfffff80487de0000UL, 0x1c000UL), ("WdBoot.sys", 0xfffff80479d30000UL, 0x12000UL)],
            t.UnloadedModules.Select(u => (u.ImagePath, u.Base, u.Size)));
        Assert.Equal(S.KernelBase, t.KernelBase);
        Assert.Equal(S.ModuleListHead, t.Kdbg!.PsLoadedModuleList);
        Assert.Equal(S.BuildLab, t.System!.BuildLab);
        Assert.Equal(4u, t.System.ProcessorCount);
        Assert.Equal(0xd1u, t.Bugcheck.Code);
        Assert.Equal(S.Data4K, t.Bugcheck.Parameters[3]);
        // The thread's context is the one KeBugCheckEx saved (_KPRCB.Context); the header's is kept for the exception.
        var ctx = t.Threads[0].Context!;
        Assert.Equal(S.BugcheckRip, ctx.InstructionPointer);
        Assert.Equal(0x1234UL, ctx.Get("rax"));
        Assert.Equal(S.HeaderRip, t.HeaderContext!.InstructionPointer);
        Assert.Equal(0x5678UL, t.Exception!.Context!.Get("rax"));
        Assert.Equal(S.CurrentCpu, t.CurrentProcessor);
        Assert.Equal(S.SavedIrql, t.CurrentIrql);
        Assert.Equal(S.PrcbVa, t.PrcbAddress);
        Assert.Equal((S.ThreadVa, S.ProcessVa), (t.Threads[0].ThreadObject, t.Threads[0].ProcessObject));
        Assert.Equal(0xfffff8047be0f4e1UL, t.Memory.ReadPointer(ctx.StackPointer, 8));
        Assert.Equal(layout switch
        {
            KernelDumpBuilder.Layout.Full => "Full kernel memory dump (64-bit)",
            KernelDumpBuilder.Layout.Bitmap => "Kernel bitmap dump (64-bit)",
            _ => "Kernel memory dump (RDMP) (64-bit)",
        }, t.FormatDescription);
        Assert.NotNull(t.Times.DumpTime);
    }

    [Fact]
    public void ALoopingModuleListEndsWithAWarning()
    {
        var s = new S(loopingModuleList: true);
        using var t = Open(s.Build(KernelDumpBuilder.Layout.Full));
        Assert.Equal(S.Drivers.Length, t.Modules.Count);
        Assert.Contains(t.Warnings, w => w.Contains("loops back"));
    }

    [Fact]
    public void VisitChunksWalksOnlyPresentPages()
    {
        var s = new S();
        using var t = Open(s.Build(KernelDumpBuilder.Layout.Bitmap));
        var pages = new List<ulong>();
        t.Memory.VisitChunks(S.Data4K, S.Data4K + 0x6000, (a, d) => { pages.Add(a); Assert.Equal(0x1000, d.Length); return true; });
        Assert.Equal([S.Data4K, S.TransitionVa], pages);

        // The whole address space: every chunk must read back the same through Read, and holes are skipped fast.
        var seen = new List<ulong>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        t.Memory.VisitChunks(0, ulong.MaxValue, (a, d) =>
        {
            seen.Add(a);
            var copy = new byte[d.Length];
            Assert.Equal(d.Length, t.Memory.Read(a, copy, out _));
            Assert.True(d.SequenceEqual(copy));
            return true;
        });
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains(S.KdbgVa, seen);
        Assert.Contains(S.Large2M + 0x1000, seen);
        Assert.Contains(S.Huge1G + 0x123000, seen);
        Assert.DoesNotContain(S.Large2M + 0x2000, seen);
        Assert.DoesNotContain(S.MissingFrameVa, seen);
        Assert.Equal(seen.OrderBy(x => x), seen);

        // A partial range inside a page, and stopping early.
        var partial = new List<(ulong, int)>();
        t.Memory.VisitChunks(S.Data4K + 0x10, S.Data4K + 0x20, (a, d) => { partial.Add((a, d.Length)); return true; });
        Assert.Equal([(S.Data4K + 0x10, 0x10)], partial);
        int calls = 0;
        t.Memory.VisitChunks(0, ulong.MaxValue, (a, d) => ++calls < 2);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void PhysicalMemoryReportsMissingPagesAndVisitsStoredOnes()
    {
        var s = new S();
        using var t = Open(s.Build(KernelDumpBuilder.Layout.Bitmap));
        var buffer = new byte[16];
        Assert.Equal(16, t.PhysicalMemory.Read(S.Huge1GPhysical + 0x123000, buffer, out _));
        Assert.Equal(S.Pattern(0x1000, 4).AsSpan(0, 16).ToArray(), buffer);
        var f = ReadFault(t.PhysicalMemory, S.MissingFramePfn << 12);
        Assert.Equal(MemoryFaultKind.PhysicalPageMissing, f.Kind);
        Assert.Contains("PFN 0x7000", f.Detail);
        long total = 0;
        t.PhysicalMemory.VisitChunks(0, ulong.MaxValue, (a, d) => { total += d.Length; return true; });
        Assert.Equal(s.Memory.Frames.Count() * 0x1000L, total);
    }

    [Fact]
    public void TruncatedSyntheticDumpWarnsAndFaultsAsTruncated()
    {
        var s = new S();
        var full = s.Build(KernelDumpBuilder.Layout.Full);
        // Cut inside the last page (the 1 GiB page's frame at +0x123000 is the highest frame, stored last).
        int cut = full.Length - 0x800;
        using var t = Open(full.AsSpan(0, cut).ToArray());
        Assert.Contains(t.Warnings, w => w.Contains("truncated") && w.Contains("0x800 bytes missing"));
        var buffer = new byte[0x1000];
        int n = t.Memory.Read(S.Huge1G + 0x123000, buffer, out var fault);
        Assert.Equal(0x800, n);
        Assert.Equal(MemoryFaultKind.Truncated, fault!.Kind);
        Assert.Contains($"0x{cut:x}", fault.Detail);
    }

    [Fact]
    public void PaeDumpTranslatesSmallAndLargePages()
    {
        var memory = new SyntheticPhysicalMemory();
        var pt = new PaePageTableBuilder(memory);
        const uint small = 0x80123000, large = 0x80400000, notPresent = 0x80124000;
        pt.AllocateAndMap(small, 1);
        pt.WriteVirtual(small + 0x10, "PAE!"u8);
        pt.Map2M(large, 0x600000);
        memory.Write(0x600000 + 0x5008, "BIG!"u8);
        pt.SetPte(notPresent, 0);
        var bytes = new KernelDumpBuilder
        {
            Is64 = false,
            MachineImageType = 0x14c,
            PaeEnabled = true,
            MinorVersion = 7601,
            DirectoryTableBase = pt.Cr3,
            Context = KernelDumpBuilder.X86Context(0x80501234, 0x80123000, 42),
            BugCheckParameters = [5, 6, 7, 8],
        }.Build(memory);
        using var t = Open(bytes);
        Assert.Equal(Machine.X86, t.Machine);
        Assert.Equal(4, t.PointerSize);
        Assert.Equal("x86 PAE", t.AddressSpace!.Mode.Name);
        var b = new byte[4];
        t.Memory.ReadExact(small + 0x10, b);
        Assert.Equal("PAE!"u8.ToArray(), b);
        t.Memory.ReadExact(large + 0x5008, b);
        Assert.Equal("BIG!"u8.ToArray(), b);
        Assert.Equal(MemoryFaultKind.NotMapped, ReadFault(t.Memory, notPresent).Kind);
        Assert.Equal(MemoryFaultKind.NonCanonical, ReadFault(t.Memory, 0x1_0000_0000).Kind);
        Assert.Equal(0x80501234UL, t.Threads[0].Context!.InstructionPointer);
        Assert.Equal(42UL, t.Threads[0].Context!.Get("eax"));
        Assert.Equal([5UL, 6, 7, 8], t.Bugcheck.Parameters);
        Assert.Equal((6u, 1u), (t.System!.MajorVersion, t.System.MinorVersion));
        Assert.Equal("Full kernel memory dump (32-bit)", t.FormatDescription);
        var seen = new List<ulong>();
        t.Memory.VisitChunks(0x80000000, 0x80800000, (a, d) => { seen.Add(a); return true; });
        Assert.Contains((ulong)small, seen);
        Assert.Contains(large + 0x5000UL, seen);
    }
}
