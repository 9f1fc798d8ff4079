using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.KernelDump;
using Ntdbg.Targets.Kernel;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.KernelDump;

/// <summary>The real Windows 10 19041 x64 triage dump, checked against rizin's output and the PE images.</summary>
public sealed class TriageDumpRealTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private const string RizinPath = "kernel/rizin_dmp_expected_x64.txt";

    private static RizinExpected Rizin() => RizinExpected.Load(TestData.Shared(RizinPath), "Triage Dump Debug x64");
    private static KernelDumpTarget Open() => KernelDumpTarget.Open(TestData.Shared(DumpPath));

    [SharedDataFact(DumpPath)]
    public void DumpHeaderFieldsEqualRizin()
    {
        using var t = Open();
        var h = t.Header;
        ulong P(uint? v) => v ?? KernelDumpHeader.PageFiller;
        var ours = new Dictionary<string, ulong>
        {
            ["MajorVersion"] = h.MajorVersion,
            ["MinorVersion"] = h.MinorVersion,
            ["DirectoryTableBase"] = h.DirectoryTableBase,
            ["PfnDataBase"] = h.PfnDataBase,
            ["PsLoadedModuleList"] = h.PsLoadedModuleList,
            ["PsActiveProcessHead"] = h.PsActiveProcessHead,
            ["MachineImageType"] = h.MachineImageType,
            ["NumberProcessors"] = h.NumberProcessors,
            ["BugCheckCode"] = h.BugCheckCode,
            ["BugCheckParameter1"] = h.BugCheckParameters[0],
            ["BugCheckParameter2"] = h.BugCheckParameters[1],
            ["BugCheckParameter3"] = h.BugCheckParameters[2],
            ["BugCheckParameter4"] = h.BugCheckParameters[3],
            ["KdDebuggerDataBlock"] = h.KdDebuggerDataBlock,
            ["SecondaryDataState"] = P(h.SecondaryDataState),
            ["ProductType"] = P(h.ProductType),
            ["SuiteMask"] = P(h.SuiteMask),
        };
        var expected = Rizin().Sections["DUMP_HEADER64"];
        Assert.Equal(17, expected.Count);
        foreach (var (name, value) in expected) Assert.True(ours[name] == value, $"{name}: ours 0x{ours[name]:x}, rizin 0x{value:x}");
        Assert.True(h.Is64);
        Assert.Equal(KernelDumpType.Triage, h.DumpType);
        Assert.Null(h.SecondaryDataState); // 'PAGE' filler means absent
        Assert.Equal("Kernel triage dump (64-bit)", t.FormatDescription);
    }

    [SharedDataFact(DumpPath)]
    public void TriageHeaderFieldsEqualRizin()
    {
        using var t = Open();
        var th = t.Dump.Triage!.Header;
        var ours = new Dictionary<string, ulong>
        {
            ["ServicePackBuild"] = th.ServicePackBuild,
            ["SizeOfDump"] = th.SizeOfDump,
            ["ValidOffset"] = th.ValidOffset,
            ["ContextOffset"] = th.ContextOffset,
            ["ExceptionOffset"] = th.ExceptionOffset,
            ["MmOffset"] = th.MmOffset,
            ["UnloadedDriversOffset"] = th.UnloadedDriversOffset,
            ["PrcbOffset"] = th.PrcbOffset,
            ["ProcessOffset"] = th.ProcessOffset,
            ["ThreadOffset"] = th.ThreadOffset,
            ["CallStackOffset"] = th.CallStackOffset,
            ["SizeOfCallStack"] = th.SizeOfCallStack,
            ["DriverListOffset"] = th.DriverListOffset,
            ["DriverCount"] = th.DriverCount,
            ["StringPoolOffset"] = th.StringPoolOffset,
            ["StringPoolSize"] = th.StringPoolSize,
            ["BrokenDriverOffset"] = th.BrokenDriverOffset,
            ["TriageOptions"] = th.TriageOptions,
            ["TopOfStack"] = th.TopOfStack,
            ["BStoreOffset"] = th.BStoreOffset,
            ["SizeOfBStore"] = th.SizeOfBStore,
            ["LimitOfBStore"] = th.LimitOfBStore,
            ["DataPageAddress"] = th.DataPageAddress,
            ["DataPageOffset"] = th.DataPageOffset,
            ["DataPageSize"] = th.DataPageSize,
            ["DebuggerDataOffset"] = th.DebuggerDataOffset,
            ["DebuggerDataSize"] = th.DebuggerDataSize,
            ["DataBlocksOffset"] = th.DataBlocksOffset,
            ["DataBlocksCount"] = th.DataBlocksCount,
        };
        var expected = Rizin().Sections["TRIAGE_DUMP64"];
        Assert.Equal(29, expected.Count);
        foreach (var (name, value) in expected) Assert.True(ours[name] == value, $"{name}: ours 0x{ours[name]:x}, rizin 0x{value:x}");
        Assert.True(t.Dump.Triage.ValidMarkerPresent);
        Assert.Equal((int)th.DataBlocksCount, t.Dump.Triage.DataBlocks.Count);
        Assert.Empty(t.Warnings);
    }

    [SharedDataFact(DumpPath)]
    public void BugcheckIsSystemThreadExceptionNotHandledWithRizinParameters()
    {
        using var t = Open();
        var h = Rizin().Sections["DUMP_HEADER64"];
        Assert.Equal(0x1000007eu, t.Bugcheck.Code);
        Assert.Equal([h["BugCheckParameter1"], h["BugCheckParameter2"], h["BugCheckParameter3"], h["BugCheckParameter4"]], t.Bugcheck.Parameters);
        Assert.Equal(0xffffffffc0000005UL, t.Bugcheck.Parameters[0]); // STATUS_ACCESS_VIOLATION, sign-extended
    }

    [SharedDataFact(DumpPath)]
    public void RegistersEqualRizin()
    {
        using var t = Open();
        var ctx = t.Threads[t.CurrentThreadIndex].Context!;
        var expected = Rizin().Registers;
        Assert.Equal(19, expected.Count);
        foreach (var (name, value) in expected)
        {
            string ours = name == "rflags" ? "efl" : name;
            Assert.True(ctx.TryGet(ours, out ulong v), $"register {ours} missing");
            Assert.True(v == value, $"{name}: ours 0x{v:x}, rizin 0x{value:x}");
        }
        Assert.Equal(0x10UL, ctx.Get("cs"));
        Assert.Equal(0x18UL, ctx.Get("ss"));
    }

    [SharedDataFact(DumpPath)]
    public void AllDriversAreListedWithNamesBasesAndSizes()
    {
        using var t = Open();
        Assert.Equal(151, t.Modules.Count);
        var nt = t.Modules[0];
        Assert.Equal("nt", nt.Name);
        Assert.Equal(@"\SystemRoot\system32\ntoskrnl.exe", nt.ImagePath);
        Assert.Equal(t.KernelBase, nt.Base);
        Assert.True(nt.Contains(Rizin().Registers["rip"]), "KeBugCheckEx lies in nt");
        var amdppm = Assert.Single(t.Modules, m => m.Name == "amdppm");
        Assert.True(amdppm.Contains(t.Bugcheck.Parameters[1]), "the faulting address lies in amdppm");
        Assert.Single(t.Modules, m => m.Name == "Wdf01000");
        Assert.All(t.Modules, m => Assert.True(m.Size > 0 && m.Base >= 0xffff800000000000UL, $"{m.Name} base/size"));
        Assert.Equal(t.Modules.Count, t.Modules.Select(m => m.Base).Distinct().Count());
        Assert.Equal(4, t.UnloadedModules.Count);
        Assert.Equal("dam.sys", t.UnloadedModules[0].ImagePath);
    }

    /// <summary>The symbol store folders are named TimeDateStamp%08X + SizeOfImage%x, and hold the PE images themselves.</summary>
    [SharedDataFact("kernel/symstore")]
    public void DriverTimestampsAndSizesMatchThePeImages()
    {
        using var t = Open();
        int checkedImages = 0, checksumMatches = 0;
        foreach (var dir in Directory.GetDirectories(TestData.Shared("kernel/symstore"), "*.sys"))
        {
            string fileName = Path.GetFileName(dir);
            var module = Assert.Single(t.Modules, m => m.FileName.Equals(fileName, StringComparison.OrdinalIgnoreCase));
            foreach (var keyDir in Directory.GetDirectories(dir))
            {
                Assert.Equal(Path.GetFileName(keyDir).ToLowerInvariant(), $"{module.TimeDateStamp:x8}{module.Size:x}");
                var pe = File.ReadAllBytes(Path.Combine(keyDir, fileName));
                int nt = BitConverter.ToInt32(pe, 0x3c);
                Assert.Equal(BitConverter.ToUInt32(pe, nt + 8), module.TimeDateStamp);
                Assert.Equal(BitConverter.ToUInt32(pe, nt + 0x18 + 0x38), (uint)module.Size);
                // The loader copies the PE checksum; one of the two images on disk differs in it only, so count matches.
                if (BitConverter.ToUInt32(pe, nt + 0x18 + 0x40) == module.CheckSum) checksumMatches++;
                checkedImages++;
            }
        }
        Assert.Equal(2, checkedImages);
        Assert.True(checksumMatches >= 1, "no driver checksum matched its PE image");
    }

    [SharedDataFact(DumpPath)]
    public void KdbgCopyIsDecoded()
    {
        using var t = Open();
        var k = t.Kdbg!;
        Assert.Equal(0x380u, k.Size);
        Assert.Equal(t.Header.PsLoadedModuleList, k.PsLoadedModuleList);
        Assert.Equal(t.Header.PsActiveProcessHead, k.PsActiveProcessHead);
        Assert.Equal(t.Header.PfnDataBase, k.MmPfnDatabase);
        Assert.Equal(0xfffff8047ba00000UL, t.KernelBase);
        Assert.NotNull(t.KdDebuggerData);
    }

    [SharedDataFact(DumpPath)]
    public void SystemInfoTimesAndProcessorState()
    {
        using var t = Open();
        var s = t.System!;
        Assert.Equal(Machine.X64, s.Machine);
        Assert.Equal(16u, s.ProcessorCount);
        Assert.Equal((10u, 0u, 19041u), (s.MajorVersion, s.MinorVersion, s.BuildNumber));
        Assert.Equal(1u, s.ProductType);
        Assert.Equal(0x110u, s.SuiteMask);
        Assert.StartsWith("19041.1.amd64fre.vb_release", s.BuildLab);
        Assert.Equal("Free", t.BuildFlavor);
        Assert.Equal(DateTimeOffset.FromFileTime((long)t.Header.SystemTime!.Value), t.Times.DumpTime);
        Assert.Equal(2021, t.Times.DumpTime!.Value.Year);
        Assert.Equal(TimeSpan.FromTicks((long)t.Header.SystemUpTime!.Value), t.Times.SystemUpTime);
        Assert.Equal(0u, t.CurrentProcessor);
        Assert.NotNull(t.CurrentIrql);
        var thread = t.Threads[0];
        Assert.NotEqual(0UL, thread.ThreadObject);
        Assert.NotEqual(0UL, thread.ProcessObject);
        // The thread copy is mapped at the thread's address: KTHREAD.ApcState.Process reads back the process.
        Assert.Equal(thread.ProcessObject, t.Memory.ReadPointer(thread.ThreadObject + t.Kdbg!.OffsetKThreadApcProcess!.Value, 8));
        // The PRCB copy is mapped at the PRCB's address: Prcb.CurrentThread is the thread.
        Assert.Equal(thread.ThreadObject, t.Memory.ReadPointer(t.PrcbAddress + 8, 8));
        // EPROCESS.ImageFileName of the process copy (offset 0x5a8 in build 19041).
        var name = new byte[6];
        t.Memory.ReadExact(thread.ProcessObject + 0x5a8, name);
        Assert.Equal("System", System.Text.Encoding.ASCII.GetString(name));
        Assert.Equal(0xc0000005u, (uint)t.Bugcheck.Parameters[0]);
        Assert.NotNull(t.Exception);
    }

    [SharedDataFact(DumpPath)]
    public void StackReadsReturnAddressesAndHolesFault()
    {
        using var t = Open();
        var rizin = Rizin().Registers;
        // rsp at KeBugCheckEx holds the return address into nt (frame 1 of rizin's stack).
        Assert.Equal(0xfffff8047be0f4e1UL, t.Memory.ReadPointer(rizin["rsp"], 8));
        var buffer = new byte[16];
        int n = t.Memory.Read(0xfffff80000000000UL, buffer, out var fault);
        Assert.Equal(0, n);
        Assert.Equal(MemoryFaultKind.NotInDump, fault!.Kind);
        Assert.Equal(MemoryFaultKind.NotInDump, t.PhysicalMemory.Read(0x1000, buffer, out fault) == 0 ? fault!.Kind : MemoryFaultKind.NotMapped);
        // Chunks cover the whole saved stack.
        ulong top = t.Dump.Triage!.Header.TopOfStack, size = t.Dump.Triage.Header.SizeOfCallStack, seen = 0;
        t.Memory.VisitChunks(top, top + size, (a, d) => { seen += (ulong)d.Length; return true; });
        Assert.Equal(size, seen);
    }

    [SharedDataFact(DumpPath)]
    public void TruncatedCopiesOpenWithWarningsOrFormatErrorsOnly()
    {
        var bytes = File.ReadAllBytes(TestData.Shared(DumpPath));
        var cuts = new SortedSet<int> { 0, 4, 8, 0x1000, 0x2000, 0x2010, 0x2080, 0x20d0, 0x21b8, 0xd0b8, 0xdaf8, 0xe390, 0x10500, 0x10828, 0x10900, 0x15d18, 0x15d20, 0x19438, 0x19440, bytes.Length - 1 };
        for (int i = 1; i < 60; i++) cuts.Add((int)((long)bytes.Length * i / 60));
        int opened = 0, rejected = 0;
        foreach (int cut in cuts)
        {
            var part = bytes.AsSpan(0, cut).ToArray();
            try
            {
                using var t = KernelDumpTarget.Open(MappedFile.FromBytes($"cut_{cut:x}.dmp", part));
                opened++;
                _ = t.Modules.Count;
                _ = t.Threads[0].Context?.InstructionPointer;
                var buf = new byte[0x100];
                foreach (var b in t.Dump.Triage!.DataBlocks.Take(50)) t.Memory.Read(b.Address, buf, out _);
                t.Memory.VisitChunks(0, ulong.MaxValue, (a, d) => true);
                if (cut < t.Dump.Triage.Header.SizeOfDump && cut >= 0x2080)
                    Assert.Contains(t.Warnings, w => w.Contains("truncated") || w.Contains("cut off") || w.Contains("past the end"));
            }
            catch (DumpFormatException e)
            {
                rejected++;
                Assert.DoesNotContain('\n', e.Message);
            }
        }
        Assert.True(opened > 40, $"only {opened} truncated copies opened");
        Assert.True(rejected > 0);
    }

    [SharedDataFact(DumpPath)]
    public void ReadPastTheEndOfATruncatedTriageDumpFaultsAsTruncated()
    {
        var bytes = File.ReadAllBytes(TestData.Shared(DumpPath));
        // Cut in the middle of the saved stack: the stack's first bytes read, the rest fault Truncated.
        var t0 = KernelDumpTarget.Open(TestData.Shared(DumpPath));
        var th = t0.Dump.Triage!.Header;
        t0.Dispose();
        int cut = (int)th.CallStackOffset + 0x100;
        using var t = KernelDumpTarget.Open(MappedFile.FromBytes("cut.dmp", bytes.AsSpan(0, cut).ToArray()));
        Assert.Contains(t.Warnings, w => w.Contains("truncated") && w.Contains($"0x{th.SizeOfDump - cut:x} bytes missing"));
        var buffer = new byte[0x200];
        int n = t.Memory.Read(th.TopOfStack, buffer, out var fault);
        Assert.Equal(0x100, n);
        Assert.Equal(MemoryFaultKind.Truncated, fault!.Kind);
        Assert.Contains($"0x{cut:x}", fault.Detail);
    }
}
