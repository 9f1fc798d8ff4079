using System.Buffers.Binary;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Synth.Kernel;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Support;
using S = Ntdbg.Tests.KernelDump.SyntheticX64Scenario;

namespace Ntdbg.Tests.KernelDump;

/// <summary>Malformed headers fail with one line, fast, in little memory; nothing else escapes.</summary>
public sealed class KernelDumpHostileTests
{
    private static DumpFormatException Rejects(byte[] bytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<DumpFormatException>(() => KernelDumpTarget.Open(MappedFile.FromBytes("hostile.dmp", bytes)).Dispose());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "allocated more than 64 MiB");
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("hostile.dmp: offset 0x", e.Message);
        return e;
    }

    private static void Patch64(byte[] b, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(offset), value);
    private static void Patch32(byte[] b, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);

    [Fact]
    public void HugeRunCountIsRejected()
    {
        var b = new S().Build(KernelDumpBuilder.Layout.Full);
        Patch32(b, 0x88, 0x7fffffff);
        Assert.Contains("runs", Rejects(b).Problem);
    }

    [Fact]
    public void RunBeyondPhysicalAddressesAndOverlappingRunsAreRejected()
    {
        var b = new S().Build(KernelDumpBuilder.Layout.Full);
        Patch64(b, 0xa0, 1UL << 60);
        Assert.Contains("beyond", Rejects(b).Problem);
        b = new S().Build(KernelDumpBuilder.Layout.Full);
        Patch64(b, 0xa8, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(0x98))); // run 1 starts where run 0 does
        Assert.Contains("overlap", Rejects(b).Problem);
    }

    [Fact]
    public void BitmapLargerThanTheFileIsRejected()
    {
        var b = new S().Build(KernelDumpBuilder.Layout.Bitmap);
        Patch64(b, 0x2030, 0xffff_ffff_ffff);
        Assert.Contains("past the end", Rejects(b).Problem);
        b = new S().Build(KernelDumpBuilder.Layout.Bitmap);
        Patch64(b, 0x2020, 0x2040); // first page inside the bitmap
        Rejects(b);
        b = new S().Build(KernelDumpBuilder.Layout.Bitmap);
        Patch32(b, 0x2000, 0x12345678);
        Assert.Contains("SDMP", Rejects(b).Problem);
    }

    [Fact]
    public void RdmpWithAFirstPageBeyondAnyFileIsRejected()
    {
        var b = new S().Build(KernelDumpBuilder.Layout.Rdmp);
        Patch64(b, 0x2018, 0x7fff_ffff_ffff_ffff);
        Rejects(b);
        b = new S().Build(KernelDumpBuilder.Layout.Rdmp);
        Patch64(b, 0x2010, 0xffff_ffff_ffff_fff0); // huge metadata: bounded by the first page offset
        using var t = KernelDumpTarget.Open(MappedFile.FromBytes("rdmp.dmp", b));
        Assert.Equal(S.Drivers.Length, t.Modules.Count);
    }

    [Fact]
    public void NonKernelAndTinyFilesAreRejected()
    {
        Assert.Contains("not a kernel dump", Rejects("MDMP\x93\xa7\0\0"u8.ToArray().Concat(new byte[0x100]).ToArray()).Problem);
        Rejects([]);
        Rejects("PAGEDU64"u8.ToArray());
        Rejects("PAGEDUMP"u8.ToArray().Concat(new byte[0x100]).ToArray());
    }

    [Fact]
    public void ModuleListWalkStopsAtItsCap()
    {
        var s = new S();
        using var t = KernelDumpTarget.Open(MappedFile.FromBytes("s.dmp", s.Build(KernelDumpBuilder.Layout.Full)));
        var warnings = new List<string>();
        var modules = KernelModuleListWalker.Walk(t.Memory, S.ModuleListHead, 8, KernelModuleListWalker.X64Win10, warnings, maxEntries: 2);
        Assert.Equal(2, modules.Count);
        Assert.Contains(warnings, w => w.Contains("more than 2"));
    }

    /// <summary>Random corruption of headers and tables: only format errors or warnings, never another exception.</summary>
    [Theory]
    [InlineData(KernelDumpBuilder.Layout.Full)]
    [InlineData(KernelDumpBuilder.Layout.Bitmap)]
    [InlineData(KernelDumpBuilder.Layout.Rdmp)]
    public void RandomCorruptionOnlyEverFailsCleanly(KernelDumpBuilder.Layout layout)
    {
        var original = new S().Build(layout);
        var random = new Random(1234 + (int)layout);
        int opened = 0;
        for (int iteration = 0; iteration < 150; iteration++)
        {
            var b = (byte[])original.Clone();
            int flips = random.Next(1, 8);
            for (int i = 0; i < flips; i++)
            {
                // Mostly the headers, sometimes anywhere (page tables, module list).
                int at = random.Next(3) == 0 ? random.Next(b.Length) : random.Next(Math.Min(b.Length, 0x2100));
                b[at] = (byte)random.Next(256);
            }
            if (random.Next(5) == 0) b = b.AsSpan(0, random.Next(b.Length)).ToArray();
            try
            {
                using var t = KernelDumpTarget.Open(MappedFile.FromBytes("fuzz.dmp", b));
                opened++;
                var buf = new byte[64];
                t.Memory.Read(S.Data4K, buf, out _);
                t.Memory.Read(S.Huge1G, buf, out _);
                int chunks = 0;
                t.Memory.VisitChunks(0, ulong.MaxValue, (a, d) => ++chunks < 10000);
                _ = t.Modules.Count + t.Warnings.Count;
            }
            catch (DumpFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        Assert.True(opened > 0);
    }

    [SharedDataFact("kernel/triage_x64_19041.dmp")]
    public void HostileTriageCountsAreRejectedOrWarned()
    {
        var original = File.ReadAllBytes(TestData.Shared("kernel/triage_x64_19041.dmp"));
        var b = (byte[])original.Clone();
        Patch32(b, 0x2034, 0xffffffff); // DriverCount
        Assert.Contains("triage driver", Rejects(b).Problem);
        b = (byte[])original.Clone();
        Patch32(b, 0x207c, 0x7fffffff); // DataBlocksCount
        Assert.Contains("data block", Rejects(b).Problem);
        b = (byte[])original.Clone();
        Patch32(b, 0x20d0, 0x10000000); // unloaded driver count
        Assert.Contains("unloaded", Rejects(b).Problem);

        // Offsets past the end of the file are warnings; the rest still opens.
        b = (byte[])original.Clone();
        Patch32(b, 0x2030, 0x7fff0000); // DriverListOffset
        Patch32(b, 0x19438 + 8, 0x7fff0000); // first data block's file offset
        using (var t = KernelDumpTarget.Open(MappedFile.FromBytes("t.dmp", b)))
        {
            Assert.Empty(t.Modules);
            Assert.Contains(t.Warnings, w => w.Contains("driver list"));
            int n = t.Memory.Read(0xfffff8047c62a7a0, new byte[8], out var fault); // that block's address
            Assert.Equal(0, n);
            Assert.Equal(MemoryFaultKind.Truncated, fault!.Kind);
        }

        // A driver name offset pointing nowhere gives a placeholder name, not an exception.
        b = (byte[])original.Clone();
        Patch32(b, 0x10828 + 0x90, 0xfffffff0);
        using (var t = KernelDumpTarget.Open(MappedFile.FromBytes("t.dmp", b)))
            Assert.Contains("name unreadable", t.Modules[1].ImagePath);
    }

    [SharedDataFact("kernel/triage_x64_19041.dmp")]
    public void RandomCorruptionOfTheRealTriageDumpOnlyEverFailsCleanly()
    {
        var original = File.ReadAllBytes(TestData.Shared("kernel/triage_x64_19041.dmp"));
        var random = new Random(77);
        int opened = 0;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            var b = (byte[])original.Clone();
            for (int i = random.Next(1, 6); i > 0; i--)
            {
                // The triage table of contents, the PRCB/thread copies, the driver list, the data block table.
                int[] hot = [0x2000, 0x21b8, 0xdaf8, 0x10828, 0x104a8, 0x19438];
                int at = hot[random.Next(hot.Length)] + random.Next(0x90);
                b[at] = (byte)random.Next(256);
            }
            try
            {
                using var t = KernelDumpTarget.Open(MappedFile.FromBytes("fuzz.dmp", b));
                opened++;
                _ = t.Modules.Count + t.UnloadedModules.Count;
                t.Memory.VisitChunks(0, ulong.MaxValue, (a, d) => true);
                t.Memory.Read(t.Threads[0].StackStart, new byte[64], out _);
            }
            catch (DumpFormatException e)
            {
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        Assert.True(opened > 100);
    }

    [Fact]
    public void X86TwoLevelPagingTranslatesSmallAndFourMiBPages()
    {
        // Hand-built non-PAE tables: CR3 → page directory (1024 4-byte PDEs) → page tables.
        var memory = new SyntheticPhysicalMemory();
        ulong pd = memory.AllocatePage(), ptPage = memory.AllocatePage(), data = memory.AllocatePage();
        const uint va = 0x80123456, bigVa = 0x81000000;
        memory.WriteUInt32((pd << 12) + (va >> 22) * 4, (uint)(ptPage << 12) | 3);
        memory.WriteUInt32((ptPage << 12) + ((va >> 12) & 0x3ff) * 4, (uint)(data << 12) | 3);
        memory.Write((data << 12) + (va & 0xfff), "x86!"u8);
        memory.WriteUInt32((pd << 12) + (bigVa >> 22) * 4, 0x00c00000 | 0x83); // 4 MiB page at 12 MiB
        memory.Write(0x00c00000 + 0x1234, "4MB!"u8);
        var bytes = new KernelDumpBuilder { Is64 = false, MachineImageType = 0x14c, PaeEnabled = false, MinorVersion = 2600, DirectoryTableBase = pd << 12 }.Build(memory);
        using var t = KernelDumpTarget.Open(MappedFile.FromBytes("x86.dmp", bytes));
        Assert.Equal("x86 2-level", t.AddressSpace!.Mode.Name);
        var b = new byte[4];
        t.Memory.ReadExact(va, b);
        Assert.Equal("x86!"u8.ToArray(), b);
        t.Memory.ReadExact(bigVa + 0x1234, b);
        Assert.Equal("4MB!"u8.ToArray(), b);
        Assert.Equal(MemoryFaultKind.NotMapped, t.Memory.Read(0x90000000, b, out var fault) == 0 ? fault!.Kind : MemoryFaultKind.NotInDump);
        Assert.Contains("PDE", fault!.Detail);
    }
}
