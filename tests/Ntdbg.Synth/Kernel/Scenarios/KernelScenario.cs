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
        Image = new KernelImageWriter(layout, KernelBase, build: build);
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

    /// <summary>Real driver files mapped at their bases and added to <see cref="Drivers"/> at <see cref="Write"/> (see <see cref="DriverImageWriter"/>).</summary>
    public List<SyntheticDriverImage> DriverImages { get; } = [];

    /// <summary>Steps run at the end of <see cref="Write"/>, after every structure is laid out and before the dump is built (e.g. copying the kernel half of the page tables into each process's).</summary>
    public List<Action<KernelScenario>> BeforeDump { get; } = [];

    /// <summary>The header settings of the last <see cref="Write"/> (streaming writers reuse them).</summary>
    public KernelDumpBuilder? DumpBuilder { get; private set; }

    /// <summary>Whether to map the 2 MiB, 1 GiB, transition, page-file and demand-zero pages of <see cref="PageVarietyWriter"/> (its 1 GiB page needs 2 GiB of RAM).</summary>
    public bool PageVariety { get; set; } = true;

    /// <summary>How many processors the machine has (the dump header's NumberProcessors, nt!KiProcessorBlock's entries).</summary>
    public uint ProcessorCount { get; set; } = 2;

    /// <summary>After <see cref="Write"/>: each processor's _KPCR, _KPRCB and threads.</summary>
    public IReadOnlyList<SyntheticProcessor> Processors { get; private set; } = [];

    /// <summary>The memory manager's counters (what `!vm` shows); null writes none.</summary>
    public SyntheticMemoryCounters? MemoryCounters { get; set; } = SyntheticMemoryCounters.Ordinary;

    /// <summary>After <see cref="Write"/>: by `!vm` label, the counters this build's kernel could hold.</summary>
    public IReadOnlyDictionary<string, ulong> WrittenMemoryCounters { get; private set; } = new Dictionary<string, ulong>();

    /// <summary>The pool tags nt!PoolTrackTable holds (what `!poolused` shows); empty writes no table.</summary>
    public List<SyntheticPoolTag> PoolTags { get; } = [.. SyntheticPoolTag.Ordinary];

    /// <summary>Per session id, the tags of the session pool's tracker (what `!poolused 8` shows in that session).</summary>
    public Dictionary<uint, List<SyntheticPoolTag>> SessionPoolTags { get; } = SyntheticPoolTag.OrdinarySessions();

    /// <summary>After <see cref="Write"/>: every pool tracker entry as written, table by table.</summary>
    public WrittenPoolTrackers PoolTrackers { get; } = new();

    /// <summary>Classic pool pages and big page table entries (what `!pool` and `!poolfind` read); empty writes none.</summary>
    public SyntheticPoolAllocations PoolAllocations { get; set; } = new();

    /// <summary>The 19H1+ segment-heap pool (nt!ExPoolState) written on builds that allocate pool from it; the chunks written land in it.</summary>
    public SyntheticSegmentHeapPool SegmentHeapPool { get; } = new();

    /// <summary>The registers the dump header carries (the bug-checking thread's); null: RIP at nt!KeBugCheckEx, RSP 0.</summary>
    public byte[]? BugCheckContext { get; set; }

    /// <summary>
    /// Whether the KDBG is written encoded (nt!KdpDataBlockEncoded set, keys at nt!KiWaitNever/KiWaitAlways), as a
    /// running Windows 8+ without a debugger keeps it. Default off: KeBugCheck2 decodes it before a crash dump is written.
    /// </summary>
    public bool EncodeKdbg { get; set; }

    /// <summary>The keys the KDBG was encoded with, after <see cref="Write"/> (null when it was written plain).</summary>
    public (ulong WaitNever, ulong WaitAlways)? KdbgKeys { get; private set; }

    /// <summary>Whether the dump header's pointers to the KDBG and the kernel's lists are spoilt.</summary>
    public HeaderDamage HeaderDamage { get; set; }

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
        DriverImageWriter.Write(this);
        for (int i = 0; i < Drivers.Count; i++)
            if (Drivers[i].Base == KernelBase) Drivers[i] = Drivers[i] with { Size = Image.SizeOfImage };
        Image.Write(Tables);
        Tables.EnsureMapped(KdDebuggerDataBlock & ~0xfffUL, 2);
        Tables.EnsureMapped(PsActiveProcessHead & ~0xfffUL, 1);
        Tables.EnsureMapped(PsLoadedModuleList & ~0xfffUL, 1);
        ulong buildLab = BuildLabWriter.Write(this);
        Tables.AllocateAndMap(ModuleEntries, 2);
        KernelStructWriter.WriteModuleList64(Tables, PsLoadedModuleList, ModuleEntries, Drivers, layout: Layout);
        ProcessObjectAddresses = ProcessListWriter.Write(Tables, Layout, PsActiveProcessHead, ProcessObjects, Processes, Objects);
        CurrentThreadAddress = ThreadWriter.Write(this);
        ProcessMemoryWriter.Write(this);
        WrittenMemoryCounters = MemoryScenarios.WriteCounters(this);
        PoolTrackerWriter.Write(this);
        PoolAllocationWriter.Write(this);
        SegmentHeapPoolWriter.Write(this);
        var processors = ProcessorBlockWriter.Write(this, ProcessObjectAddresses.FirstOrDefault(), CurrentThreadAddress == 0 ? null : CurrentThreadAddress, out var written);
        Processors = written;
        KernelStructWriter.WriteKdbg64(Tables, KdDebuggerDataBlock, KernelBase, PsLoadedModuleList, PsActiveProcessHead, buildLab, processors);
        KernelGlobalsWriter.Write(this);
        UserSpaceWriter.ShareKernelHalves(this); // after every kernel mapping: each process copies the kernel half
        KdbgKeys = EncodeKdbg ? KernelGlobalsWriter.EncodeKdbg(this) : null; // last: it encodes the finished block
        var builder = new KernelDumpBuilder
        {
            Kind = format,
            DirectoryTableBase = Tables.Cr3,
            PsLoadedModuleList = PsLoadedModuleList,
            PsActiveProcessHead = PsActiveProcessHead,
            KdDebuggerDataBlock = KdDebuggerDataBlock,
            NumberProcessors = ProcessorCount,
            MajorVersion = 0xf,
            MinorVersion = (uint)Build,
            BugCheckCode = 0xe2, // MANUALLY_INITIATED_CRASH
            BugCheckParameters = [0, 0, 0, 0],
            Context = BugCheckContext ?? KernelDumpBuilder.Amd64Context(rip: KernelBase + Layout.Rva("KeBugCheckEx"), rsp: 0),
        };
        foreach (var step in BeforeDump) step(this);
        KernelGlobalsWriter.Damage(builder, HeaderDamage);
        DumpBuilder = builder;
        return builder.Build(Memory);
    }
}
