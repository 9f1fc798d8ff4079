namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// A 64-bit kernel machine described in code, laid out for one Windows build from its ISF
/// table: the kernel's globals (KDBG, PsLoadedModuleList, PsActiveProcessHead) sit at the
/// kernel base plus their RVAs in that table, so ntdbg finds the table by those anchors and
/// reads the structures with it. Later issues add pools, locks, IRPs and hidden drivers.
/// </summary>
public sealed class KernelScenario
{
    public const ulong KernelBase = 0xfffff80412000000;
    private const ulong ProcessObjects = 0xffffc08b00000000;
    private const ulong ModuleEntries = 0xfffff80419000000;

    public KernelScenario(IsfLayout layout, int build)
    {
        Layout = layout;
        Build = build;
        Tables = new PageTableBuilder(Memory);
        Image = new KernelImageWriter(layout, KernelBase);
        Image.AddFunction("KeBugCheckEx", 0x28);
        Objects = new KernelObjectWriter(Tables, layout, build, KernelBase, ProcessObjects);
    }

    /// <summary>ntoskrnl's image: headers, RSDS record, and the functions stacks run through (add them before <see cref="Write"/>).</summary>
    public KernelImageWriter Image { get; }

    public IsfLayout Layout { get; }
    public int Build { get; }
    public SyntheticPhysicalMemory Memory { get; } = new();
    public PageTableBuilder Tables { get; }
    /// <summary>Pool blocks with object headers for the kernel objects the scenario writes.</summary>
    public KernelObjectWriter Objects { get; }
    public List<SyntheticDriver> Drivers { get; } = [];
    public List<SyntheticProcess> Processes { get; } = [];

    /// <summary>The registers the dump header carries (the bug-checking thread's); null: RIP at nt!KeBugCheckEx, RSP 0.</summary>
    public byte[]? BugCheckContext { get; set; }

    /// <summary>The running thread's _ETHREAD after <see cref="Write"/> (what KPRCB.CurrentThread names); 0 when no thread runs.</summary>
    public ulong CurrentThreadAddress { get; private set; }

    /// <summary>The _EPROCESS addresses after <see cref="Build"/>, in list order.</summary>
    public IReadOnlyList<ulong> ProcessObjectAddresses { get; private set; } = [];

    public ulong PsActiveProcessHead => KernelBase + Layout.Rva("PsActiveProcessHead");
    public ulong PsLoadedModuleList => KernelBase + Layout.Rva("PsLoadedModuleList");
    public ulong KdDebuggerDataBlock => KernelBase + Layout.Rva("KdDebuggerDataBlock");

    /// <summary>The scenario every other builds on: the kernel, a HAL and a few drivers, System and a handful of processes.</summary>
    public static KernelScenario Basic(IsfLayout layout, int build)
    {
        var s = new KernelScenario(layout, build);
        s.Drivers.Add(new SyntheticDriver("ntoskrnl.exe", KernelBase, 0, s.Image.TimeDateStamp, 0xa5938c)); // size: the image's, at Write
        s.Drivers.Add(new SyntheticDriver("hal.dll", 0xfffff80479440000, 0x6000, 0x1a7be8e9, 0xce9f));
        s.Drivers.Add(new SyntheticDriver("Ntfs.sys", 0xfffff8047a200000, 0x2b0000, 0x3a1c5e21, 0x2b9a11));
        s.Drivers.Add(new SyntheticDriver("amdppm.sys", 0xfffff8048b580000, 0x3b000, 0xc9c03000, 0x38e6b));
        BasicProcesses.AddTo(s);
        BasicThreads.Add(s);
        return s;
    }

    /// <summary>The dump's bytes.</summary>
    public byte[] Write(KernelDumpBuilder.Layout format)
    {
        ThreadWriter.AddFunctions(this);
        // NtBuildLab's own RVA where the table has it, else a free spot in the image's .rdata.
        ulong buildLab = Layout.HasSymbol("NtBuildLab") ? KernelBase + Layout.Rva("NtBuildLab") : KernelBase + Image.RdataRva + 0x200;
        for (int i = 0; i < Drivers.Count; i++)
            if (Drivers[i].Base == KernelBase) Drivers[i] = Drivers[i] with { Size = Image.SizeOfImage };
        Image.Write(Tables);
        Tables.EnsureMapped(KdDebuggerDataBlock & ~0xfffUL, 2);
        Tables.EnsureMapped(PsActiveProcessHead & ~0xfffUL, 1);
        Tables.EnsureMapped(PsLoadedModuleList & ~0xfffUL, 1);
        Tables.EnsureMapped(buildLab, 1);
        Tables.WriteVirtual(buildLab, System.Text.Encoding.ASCII.GetBytes("synthetic.scenario\0"));
        KernelStructWriter.WriteKdbg64(Tables, KdDebuggerDataBlock, KernelBase, PsLoadedModuleList, PsActiveProcessHead, buildLab);
        Tables.AllocateAndMap(ModuleEntries, 2);
        KernelStructWriter.WriteModuleList64(Tables, PsLoadedModuleList, ModuleEntries, Drivers);
        ProcessObjectAddresses = ProcessListWriter.Write(Tables, Layout, PsActiveProcessHead, ProcessObjects, Processes, Objects);
        CurrentThreadAddress = ThreadWriter.Write(this);
        ProcessMemoryWriter.Write(this);
        UserSpaceWriter.ShareKernelHalves(this);
        var builder = new KernelDumpBuilder
        {
            Kind = format,
            DirectoryTableBase = Tables.Cr3,
            PsLoadedModuleList = PsLoadedModuleList,
            PsActiveProcessHead = PsActiveProcessHead,
            KdDebuggerDataBlock = KdDebuggerDataBlock,
            NumberProcessors = 1,
            MajorVersion = 0xf,
            MinorVersion = (uint)Build,
            BugCheckCode = 0xe2, // MANUALLY_INITIATED_CRASH
            BugCheckParameters = [0, 0, 0, 0],
            Context = BugCheckContext ?? KernelDumpBuilder.Amd64Context(rip: KernelBase + Layout.Rva("KeBugCheckEx"), rsp: 0),
        };
        return builder.Build(Memory);
    }
}
