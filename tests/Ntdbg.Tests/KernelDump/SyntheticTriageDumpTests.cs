using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Synth.Kernel;
using Ntdbg.Targets.Kernel;
using Ntdbg.Targets.Model;

namespace Ntdbg.Tests.KernelDump;

/// <summary>Synthetic triage dumps, 32- and 64-bit (the real one is 64-bit only).</summary>
public sealed class SyntheticTriageDumpTests
{
    private static TriageDumpBuilder Builder(bool is64)
    {
        var b = new TriageDumpBuilder
        {
            Is64 = is64,
            Context = is64 ? KernelDumpBuilder.Amd64Context(0xfffff8047bdf5a80, 0xffff850429890ee8, rcx: 0x7f) : KernelDumpBuilder.X86Context(0x82e7a5d4, 0x8d0ff100, 0x7f),
        };
        if (is64)
        {
            b.TopOfStack = 0xffff850429890000; b.KdDebuggerDataBlock = 0xfffff8047c600b20; b.PrcbAddress = 0xfffff804782d4180;
            b.ThreadAddress = 0xffffc08bde9e1640; b.ProcessAddress = 0xffffc08bdce94180; b.KiProcessorBlock = 0xfffff8047c6fdc80; b.NtBuildLab = 0xfffff8047c64c0a0;
            b.Drivers.Add(new("ntoskrnl.exe", 0xfffff8047ba00000, 0x1046000, 0x0d8333e6, 0xa5938c));
            b.Drivers.Add(new("amdppm.sys", 0xfffff8048b580000, 0x3b000, 0xc9c03000, 0x38e6b));
            b.DataBlocks.Add((0xfffff8047c64c0a0, "19041.1.amd64fre.vb_release.191206-1406\0"u8.ToArray()));
        }
        else
        {
            b.Drivers.Add(new("ntkrpamp.exe", 0x82e0d000, 0x3cb000, 0x4ce7951a, 0x3cf0a4));
            b.Drivers.Add(new("hal.dll", 0x82fd8000, 0x37000, 0x4ce78a09, 0x3bfbb));
            b.DataBlocks.Add((0x82f40000, Enumerable.Range(0, 0x100).Select(i => (byte)i).ToArray()));
        }
        b.Stack[0x100] = 0xaa;
        b.UnloadedDrivers.Add(("averyveryverylongname.sys", 0x8b000000, 0x8b010000));
        return b;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TriageDumpOpensWithDriversThreadAndMemory(bool is64)
    {
        var b = Builder(is64);
        using var t = KernelDumpTarget.Open(MappedFile.FromBytes("triage.dmp", b.BuildDump()));
        Assert.Empty(t.Warnings);
        Assert.Equal(is64 ? Machine.X64 : Machine.X86, t.Machine);
        Assert.Equal($"Kernel triage dump ({(is64 ? 64 : 32)}-bit)", t.FormatDescription);
        Assert.Equal(b.Drivers.Count, t.Modules.Count);
        for (int i = 0; i < b.Drivers.Count; i++)
        {
            var (d, m) = (b.Drivers[i], t.Modules[i]);
            Assert.Equal((d.Base, (ulong)d.Size, d.TimeDateStamp, d.CheckSum), (m.Base, m.Size, m.TimeDateStamp, m.CheckSum));
            Assert.EndsWith(d.FileName, m.ImagePath);
        }
        Assert.Equal("nt", t.Modules[0].Name);
        var unloaded = Assert.Single(t.UnloadedModules);
        Assert.Equal("averyveryver", unloaded.ImagePath); // the kernel keeps 12 characters
        Assert.Equal(0x10000UL, unloaded.Size);
        Assert.Equal(b.CurrentProcessor, t.CurrentProcessor);
        Assert.Equal((b.ThreadAddress, b.ProcessAddress), (t.Threads[0].ThreadObject, t.Threads[0].ProcessObject));
        Assert.Equal(b.PrcbAddress, t.PrcbAddress);
        Assert.Equal(b.ThreadAddress, t.Memory.ReadPointer(b.PrcbAddress + TriageDumpBuilder.OffsetPrcbCurrentThread, t.PointerSize));
        Assert.Equal(b.ProcessAddress, t.Memory.ReadPointer(b.ThreadAddress + TriageDumpBuilder.OffsetKThreadApcProcess, t.PointerSize));
        var one = new byte[1];
        t.Memory.ReadExact(b.TopOfStack + 0x100, one);
        Assert.Equal(0xaa, one[0]);
        Assert.Equal(0x7fUL, t.Threads[0].Context!.Get(is64 ? "rcx" : "eax"));
        Assert.Equal(MemoryFaultKind.NotInDump, t.Memory.Read(b.TopOfStack - 0x10, one, out var fault) == 0 ? fault!.Kind : MemoryFaultKind.NotMapped);
        Assert.NotNull(t.Kdbg);
        Assert.Equal(b.Drivers[0].Base, t.KernelBase);
        if (is64) Assert.StartsWith("19041.1.amd64fre", t.System!.BuildLab);
        else Assert.Equal(0xfffefdfcUL, t.Memory.ReadPointer(0x82f400fc, 4));
    }
}
