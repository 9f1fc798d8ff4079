using Ntdbg.Core.Memory;
using Ntdbg.Formats.KernelDump;
using Ntdbg.Targets.Kernel;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.KernelDump;

/// <summary>The first 16 KiB of a real DumpIt full dump (build 19045): the header parses, the memory is cut off.</summary>
public sealed class FullDumpHeaderOnlyTests
{
    private const string DumpPath = "kernel/full_dump_header_only_19045.bin";

    [SharedDataFact(DumpPath)]
    public void HeaderFieldsParse()
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(DumpPath));
        var raw = File.ReadAllBytes(TestData.Shared(DumpPath));
        var h = t.Header;
        Assert.True(h.Is64);
        Assert.Equal(KernelDumpType.Full, h.DumpType);
        Assert.Equal((0xfu, 19045u), (h.MajorVersion, h.MinorVersion));
        Assert.Equal(Machine.X64, t.Machine);
        Assert.Equal(BitConverter.ToUInt64(raw, 0x10), h.DirectoryTableBase);
        Assert.Equal(BitConverter.ToUInt32(raw, 0x38), t.Bugcheck.Code);
        Assert.Equal(BitConverter.ToUInt64(raw, 0x80), t.KdDebuggerDataBlock);
        Assert.Equal(5u, h.NumberOfRuns);
        Assert.Equal(5, h.Runs.Count);
        for (int i = 0; i < 5; i++)
            Assert.Equal(new PhysicalMemoryRun(BitConverter.ToUInt64(raw, 0x98 + 16 * i), BitConverter.ToUInt64(raw, 0xa0 + 16 * i)), h.Runs[i]);
        Assert.Equal(h.NumberOfPages, (ulong)h.Runs.Sum(r => (long)r.PageCount));
        Assert.Null(h.Comment); // "PAGE" filler
        Assert.Equal(t.Dump.Pages!.EndOfPageData, (long)h.RequiredDumpSpace!.Value);
        Assert.Equal("Full kernel memory dump (64-bit)", t.FormatDescription);
    }

    [SharedDataFact(DumpPath)]
    public void OpensWithATruncationWarningSayingHowMuchIsMissing()
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(DumpPath));
        long missing = (long)t.Header.RequiredDumpSpace!.Value - 0x4000;
        Assert.Contains(t.Warnings, w => w.Contains("truncated") && w.Contains($"0x{missing:x} bytes missing"));
    }

    [SharedDataFact(DumpPath)]
    public void PhysicalReadsStopAtTheEndOfTheFile()
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(DumpPath));
        var raw = File.ReadAllBytes(TestData.Shared(DumpPath));
        // The first run starts at PFN 2 and its pages follow the 0x2000-byte header.
        ulong first = t.Header.Runs[0].BasePage * 0x1000;
        var page = new byte[0x1000];
        Assert.Equal(0x1000, t.PhysicalMemory.Read(first, page, out _));
        Assert.Equal(raw.AsSpan(0x2000, 0x1000).ToArray(), page);
        // Two pages fit in the 16 KiB file; the third is past its end.
        var buffer = new byte[0x3000];
        int n = t.PhysicalMemory.Read(first, buffer, out var fault);
        Assert.Equal(0x2000, n);
        Assert.Equal(MemoryFaultKind.Truncated, fault!.Kind);
        Assert.Equal(first + 0x2000, fault.Address);
        Assert.Contains("file offset 0x4000", fault.Detail);
        // Page 0 is in no run.
        Assert.Equal(0, t.PhysicalMemory.Read(0, buffer, out fault));
        Assert.Equal(MemoryFaultKind.PhysicalPageMissing, fault!.Kind);
    }

    [SharedDataFact(DumpPath)]
    public void VirtualReadsSayTheFileIsTruncatedAndWhere()
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(DumpPath));
        var buffer = new byte[8];
        Assert.Equal(0, t.Memory.Read(t.KdDebuggerDataBlock, buffer, out var fault));
        Assert.Equal(MemoryFaultKind.Truncated, fault!.Kind);
        Assert.Contains("PML4E", fault.Detail);
        Assert.Contains("past the end of the truncated dump", fault.Detail);
        Assert.Empty(t.Modules);
        Assert.Contains(t.Warnings, w => w.Contains("KDBG"));
        Assert.Contains(t.Warnings, w => w.Contains("PsLoadedModuleList"));
    }
}
