using System.Text;
using Ntdbg.Synth.Kernel;

namespace Ntdbg.Tests.KernelDump;

/// <summary>
/// One x64 machine built with real page tables: a 4 KiB page, a 2 MiB and a 1 GiB page (partly
/// saved), transition, zero, page-file and prototype PTEs, a page whose frame the dump lacks, a
/// KDBG block and a PsLoadedModuleList of three drivers.
/// </summary>
public sealed class SyntheticX64Scenario
{
    public const ulong KernelBase = 0xfffff80412000000;
    public const ulong Data4K = 0xfffff80412345000;
    public const ulong TransitionVa = Data4K + 0x1000;
    public const ulong ZeroPteVa = Data4K + 0x2000;
    public const ulong PageFileVa = Data4K + 0x3000;
    public const ulong PrototypeVa = Data4K + 0x4000;
    public const ulong MissingFrameVa = Data4K + 0x5000;
    public const ulong MissingFramePfn = 0x7000;
    /// <summary>Its PDE is a page-file entry: the page table itself is paged out.</summary>
    public const ulong PagedOutTableVa = 0xfffff80412800000;
    public const ulong Large2M = 0xfffff80600000000;
    public const ulong Large2MPhysical = 0x4000000;
    public const ulong Huge1G = 0xfffff80800000000;
    public const ulong Huge1GPhysical = 0x40000000;
    public const ulong UnmappedPml4Va = 0xffffa00000000000;
    public const ulong KdbgVa = 0xfffff80412400000;
    public const ulong BuildLabVa = 0xfffff80412401000;
    public const ulong ModuleListHead = 0xfffff80412500000;
    public const ulong ModuleEntries = 0xfffff80412501000;
    public const ulong StackVa = 0xffff850429890000;
    public const ulong KiProcessorBlock = 0xfffff80412402000;
    public const ulong PcrVa = 0xfffff80413000000;
    public const ulong PrcbVa = PcrVa + 0x180;
    public const ulong ThreadVa = 0xffffc08bde9e1000;
    public const ulong ProcessVa = 0xffffc08bdce94000;
    public const ulong BugcheckContextVa = 0xffff850429890800;
    public const ulong BugcheckRip = KernelBase + 0x3f5a80;
    public const ulong HeaderRip = 0xfffff8048b58334c;
    public const ulong MmUnloadedDriversVa = 0xfffff80412403000;
    public const ulong UnloadedArrayVa = 0xffffc08bd0000000;
    public const uint CurrentCpu = 2;
    public const byte SavedIrql = 2;
    public const string BuildLab = "19041.1.amd64fre.vb_release.191206-1406";

    public static readonly SyntheticDriver[] Drivers =
    [
        new("ntoskrnl.exe", KernelBase, 0x1046000, 0x0d8333e6, 0xa5938c),
        new("hal.dll", 0xfffff80479440000, 0x6000, 0x1a7be8e9, 0xce9f),
        new("amdppm.sys", 0xfffff8048b580000, 0x3b000, 0xc9c03000, 0x38e6b),
    ];

    public SyntheticPhysicalMemory Memory { get; } = new();
    public PageTableBuilder Tables { get; }
    public byte[] Pattern4K { get; } = Pattern(0x1000, 1);
    public byte[] PatternTransition { get; } = Pattern(0x1000, 7);
    public ulong TransitionPfn { get; }

    public SyntheticX64Scenario(bool loopingModuleList = false)
    {
        Tables = new PageTableBuilder(Memory);
        ulong pfn = Tables.AllocateAndMap(Data4K, 1);
        Memory.Write(pfn << 12, Pattern4K);
        TransitionPfn = Memory.AllocatePage();
        Memory.Write(TransitionPfn << 12, PatternTransition);
        Tables.SetPte(TransitionVa, PageTableBuilder.TransitionPte(TransitionPfn));
        Tables.SetPte(ZeroPteVa, 0);
        Tables.SetPte(PageFileVa, PageTableBuilder.PageFilePte(0x1234));
        Tables.SetPte(PrototypeVa, PageTableBuilder.PrototypePte(0xabcdef));
        Tables.Map4K(MissingFrameVa, MissingFramePfn); // frame never stored
        Tables.SetEntry(PagedOutTableVa, 21, PageTableBuilder.PageFilePte(0x777));

        Tables.Map2M(Large2M, Large2MPhysical);
        Memory.Write(Large2MPhysical, Pattern(0x2000, 2)); // pages 0 and 1 of the 2 MiB page only
        Tables.Map1G(Huge1G, Huge1GPhysical);
        Memory.Write(Huge1GPhysical, Pattern(0x1000, 3));
        Memory.Write(Huge1GPhysical + 0x123000, Pattern(0x1000, 4));

        Tables.AllocateAndMap(KdbgVa, 2);
        Tables.AllocateAndMap(KiProcessorBlock, 1);
        KernelStructWriter.WriteKdbg64(Tables, KdbgVa, KernelBase, ModuleListHead, 0, BuildLabVa,
            new KdbgProcessorFields(KiProcessorBlock, MmUnloadedDriversVa, 0xaf00, 0x24, 0x8, 0x1f0, 0x85c0, 0xb8));
        // Processors 0 and 1 have no PRCB in this dump; processor 2 bugchecked (19041 _KPRCB layout).
        Tables.WriteVirtualUInt64(KiProcessorBlock + 8 * CurrentCpu, PrcbVa);
        Tables.AllocateAndMap(PcrVa, 12);
        Tables.WriteVirtual(PrcbVa + 0x24, BitConverter.GetBytes(CurrentCpu));
        Tables.WriteVirtualUInt64(PrcbVa + 0x8, ThreadVa);
        Tables.WriteVirtual(PrcbVa + 0x7e98, [SavedIrql]);
        Tables.WriteVirtualUInt64(PrcbVa + 0x85c0, BugcheckContextVa);
        Tables.WriteVirtual(PrcbVa + 0x1f0, KernelDumpBuilder.Amd64Context(rip: BugcheckRip, rsp: StackVa + 0x18));
        Tables.AllocateAndMap(MmUnloadedDriversVa, 1);
        Tables.AllocateAndMap(UnloadedArrayVa, 2);
        KernelStructWriter.WriteUnloadedDrivers64(Tables, MmUnloadedDriversVa, UnloadedArrayVa,
            [("dam.sys", 0xfffff80487de0000, 0xfffff80487dfc000), ("WdBoot.sys", 0xfffff80479d30000, 0xfffff80479d42000)]);
        Tables.AllocateAndMap(ThreadVa, 1);
        Tables.WriteVirtualUInt64(ThreadVa + 0xb8, ProcessVa);
        Tables.WriteVirtual(BuildLabVa, Encoding.ASCII.GetBytes(BuildLab + "\0"));
        Tables.AllocateAndMap(ModuleListHead, 1);
        Tables.AllocateAndMap(ModuleEntries, 2);
        KernelStructWriter.WriteModuleList64(Tables, ModuleListHead, ModuleEntries, Drivers, loopingModuleList);
        Tables.AllocateAndMap(StackVa, 1);
        Tables.WriteVirtual(BugcheckContextVa, KernelDumpBuilder.Amd64Context(rip: BugcheckRip, rsp: StackVa + 0x18, rax: 0x1234, rcx: 0xd1));
        Tables.WriteVirtualUInt64(StackVa + 0x18, 0xfffff8047be0f4e1);
    }

    /// <summary>The bytes of a 64-bit full or bitmap dump of this machine.</summary>
    public byte[] Build(KernelDumpBuilder.Layout layout, ulong cr3LowBits = 0x002)
    {
        var builder = new KernelDumpBuilder
        {
            Kind = layout,
            DirectoryTableBase = Tables.Cr3 | cr3LowBits, // PCID bits must be masked
            PsLoadedModuleList = ModuleListHead,
            KdDebuggerDataBlock = KdbgVa,
            NumberProcessors = 4,
            BugCheckCode = 0xd1,
            BugCheckParameters = [0x10, 2, 0, Data4K],
            Context = KernelDumpBuilder.Amd64Context(rip: HeaderRip, rsp: StackVa + 0x18, rax: 0x5678, rcx: 0x20),
        };
        return builder.Build(Memory);
    }

    public static byte[] Pattern(int length, byte seed)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte)(seed * 31 + i * 7 + (i >> 8));
        return b;
    }
}
