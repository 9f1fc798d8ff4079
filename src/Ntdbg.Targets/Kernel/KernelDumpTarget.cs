using Ntdbg.Targets.Contexts;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.KernelDump;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// A Windows kernel crash dump (full, bitmap, RDMP or triage) as a debug target: bugcheck, KDBG,
/// modules, the crashing thread's context, system info and times, virtual and physical memory.
/// </summary>
public sealed class KernelDumpTarget : IKernelTarget
{
    private readonly MappedFile _file;
    private readonly List<string> _warnings = [];
    private readonly KdDebuggerData? _kdbg;
    private readonly KernelGlobals? _globals;
    private readonly byte[]? _prcb;

    private KernelDumpTarget(MappedFile file, IKernelSymbolProvider? kernelSymbols)
    {
        _file = file;
        Dump = KernelDumpFile.Parse(file);
        _warnings.AddRange(Dump.Warnings);
        var h = Dump.Header;
        Machine = h.MachineImageType switch { 0x8664 => Machine.X64, 0x14c => Machine.X86, 0xaa64 => Machine.Arm64, _ => Machine.Unknown };
        if (Machine == Machine.Unknown) _warnings.Add($"unknown machine type 0x{h.MachineImageType:x}");
        PointerSize = Machine == Machine.X86 || (!h.Is64 && Machine == Machine.Unknown) ? 4 : 8;

        if (Dump.Pages != null)
        {
            var physical = new PhysicalMemory(file, Dump.Pages);
            PhysicalMemory = physical;
            PagingMode? mode = Machine switch
            {
                Machine.X64 => PagingMode.X64,
                Machine.X86 => h.PaeEnabled ? PagingMode.X86Pae : PagingMode.X86,
                _ => null,
            };
            if (mode != null) Memory = AddressSpace = new PageTableAddressSpace(physical, mode, h.DirectoryTableBase);
            else
            {
                Memory = new UnavailableMemory("kernel virtual memory", $"address translation for {Machine.DisplayName()} is not supported");
                _warnings.Add($"virtual memory is unavailable: address translation for {Machine.DisplayName()} is not supported");
            }
        }
        else if (Dump.Triage != null)
        {
            PhysicalMemory = new UnavailableMemory("physical memory", "a triage dump holds no physical memory pages");
            Memory = new UnavailableMemory("triage dump memory", "not yet loaded"); // replaced below once the KDBG copy is known
        }
        else
        {
            PhysicalMemory = new UnavailableMemory("physical memory", $"dump type {h.DumpTypeValue} holds no memory");
            Memory = new UnavailableMemory("kernel virtual memory", $"dump type {h.DumpTypeValue} holds no memory");
        }

        if (Dump.Triage == null && Dump.Pages != null)
        {
            _globals = KernelGlobalsResolver.Resolve(Memory, AddressSpace, h, PointerSize, kernelSymbols, _warnings);
            _kdbg = _globals.Kdbg;
        }
        else _kdbg = LoadKdbg();
        if (Dump.Triage != null) Memory = BuildTriageMemory(Dump.Triage);
        _prcb = LoadPrcb(out ulong prcbAddress);
        PrcbAddress = prcbAddress;
        // _KPRCB.Number is a ULONG on x64 and a USHORT on x86.
        if (_prcb != null && _kdbg?.OffsetPrcbNumber is ushort numberAt && numberAt + 4 <= _prcb.Length)
            CurrentProcessor = PointerSize == 8 ? Le.U32(_prcb, numberAt) : Le.U16(_prcb, numberAt);
        if (_prcb != null && _kdbg?.OffsetPrcbCurrentThread is ushort threadAt && threadAt + PointerSize <= _prcb.Length)
            CurrentThreadAddress = PointerSize == 8 ? Le.U64(_prcb, threadAt) : Le.U32(_prcb, threadAt);
        CurrentProcessAddress = FindCurrentProcess();
        if (Machine == Machine.X64 && _prcb != null && WindowsBuilds.X64DebuggerSavedIrqlOffset(h.MinorVersion) is int irqlAt && irqlAt < _prcb.Length)
            CurrentIrql = _prcb[irqlAt];

        HeaderContext = ReadHeaderContext();
        BugcheckContext = ReadBugcheckContext();
        var threadContext = BugcheckContext ?? HeaderContext;
        ulong stackStart = Dump.Triage?.Header.TopOfStack ?? 0, stackSize = Dump.Triage?.Header.SizeOfCallStack ?? 0;
        Threads = [new ThreadInfo(0, 0, 0, threadContext, stackStart, stackSize, ThreadObject: CurrentThreadAddress, ProcessObject: CurrentProcessAddress)];
        Exception = new ExceptionInfo(0, h.Exception.Code, h.Exception.Flags, h.Exception.Record, h.Exception.Address, h.Exception.Information, HeaderContext);

        Modules = LoadModules();
        UnloadedModules = Dump.Triage != null
            ? Dump.Triage.UnloadedDrivers.Select(u => new UnloadedModuleInfo(u.Name, u.StartAddress, u.EndAddress >= u.StartAddress ? u.EndAddress - u.StartAddress : 0, 0, 0)).ToList()
            : _kdbg?.MmUnloadedDrivers is ulong unloaded && Dump.Pages != null
                ? UnloadedDriverReader.Read(Memory, unloaded, PointerSize, _warnings)
                : [];
        System = BuildSystemInfo();
        Times = BuildTimes();
    }

    /// <summary>Opens a kernel dump; throws <see cref="DumpFormatException"/> (one line) when it is malformed.</summary>
    /// <param name="kernelSymbols">Looks up nt's symbols by the kernel image's GUID/age: needed to decode an encoded KDBG and to find the kernel's lists when the header lies.</param>
    public static KernelDumpTarget Open(string path, IKernelSymbolProvider? kernelSymbols = null) => Open(MappedFile.Open(path), kernelSymbols);

    /// <summary>Opens a kernel dump already mapped (the target owns and disposes it).</summary>
    public static KernelDumpTarget Open(MappedFile file, IKernelSymbolProvider? kernelSymbols = null)
    {
        try { return new KernelDumpTarget(file, kernelSymbols); }
        catch { file.Dispose(); throw; }
    }

    public KernelDumpFile Dump { get; }
    public KernelDumpHeader Header => Dump.Header;
    public string Path => _file.Path;
    public TargetKind Kind => TargetKind.KernelDump;
    public string FormatDescription => Dump.Description;
    public Machine Machine { get; }
    public int PointerSize { get; }
    public IVirtualMemory Memory { get; private set; }
    /// <summary>The page-table address space (null for triage dumps).</summary>
    public PageTableAddressSpace? AddressSpace { get; }
    public IVirtualMemory PhysicalMemory { get; }
    public SystemInfo? System { get; }
    public TargetTimes Times { get; }
    public IReadOnlyList<ModuleInfo> Modules { get; }
    public IReadOnlyList<UnloadedModuleInfo> UnloadedModules { get; }
    public IReadOnlyList<ThreadInfo> Threads { get; }
    public int CurrentThreadIndex => 0;
    public ExceptionInfo? Exception { get; }
    public IReadOnlyList<string> Warnings => _warnings;

    public BugcheckInfo Bugcheck => new(Header.BugCheckCode, Header.BugCheckParameters);
    public ulong KernelBase => _kdbg?.KernBase ?? (_globals?.KernelBase is ulong b and not 0 ? b : Modules.FirstOrDefault()?.Base ?? 0);
    public ulong PsLoadedModuleList => _globals?.PsLoadedModuleList ?? (Header.PsLoadedModuleList != 0 ? Header.PsLoadedModuleList : _kdbg?.PsLoadedModuleList ?? 0);
    public ulong PsActiveProcessHead => _globals?.PsActiveProcessHead ?? (Header.PsActiveProcessHead != 0 ? Header.PsActiveProcessHead : _kdbg?.PsActiveProcessHead ?? 0);
    public ulong KdDebuggerDataBlock => _globals?.KdbgAddress is ulong k and not 0 ? k : Header.KdDebuggerDataBlock;
    /// <summary>The kernel image found in memory (base, PDB name, GUID, age), when its headers are in the dump.</summary>
    public KernelImage? KernelImage => _globals?.Image;
    /// <summary>How the KDBG was obtained ("decoded with nt!KiWaitNever…"), null without one.</summary>
    public string? KdbgSource => _globals?.KdbgNote ?? (_kdbg != null ? "the triage dump's KDBG copy" : null);
    public ulong DirectoryTableBase => Header.DirectoryTableBase;
    public ReadOnlyMemory<byte>? KdDebuggerData => _kdbg?.Bytes;
    /// <summary>The decoded KDBG, when the dump holds a readable, tagged copy.</summary>
    public KdDebuggerData? Kdbg => _kdbg;
    public uint CurrentProcessor { get; }
    public byte? CurrentIrql { get; }
    /// <summary>Virtual address of the bugchecking processor's _KPRCB (0 when unknown).</summary>
    public ulong PrcbAddress { get; }
    /// <summary>The _KPRCB bytes (triage copy, or read from memory), when available.</summary>
    public ReadOnlyMemory<byte>? Prcb => _prcb;
    public ulong CurrentThreadAddress { get; }
    public ulong CurrentProcessAddress { get; }
    /// <summary>The CONTEXT stored in the dump header.</summary>
    public RegisterContext? HeaderContext { get; }
    /// <summary>The CONTEXT KeBugCheckEx saved (_KPRCB.Context), when readable: what `r` shows.</summary>
    public RegisterContext? BugcheckContext { get; }
    /// <summary>"Free" (MajorVersion 0xF) or "Checked" (0xC), as `vertarget` prints it.</summary>
    public string BuildFlavor => Header.MajorVersion == 0xc ? "Checked" : "Free";

    private KdDebuggerData? LoadKdbg()
    {
        var triage = Dump.Triage;
        if (triage != null)
        {
            var t = triage.Header;
            if (t.DebuggerDataOffset == 0 || t.DebuggerDataSize == 0) { _warnings.Add("triage dump holds no KDBG copy"); return null; }
            var bytes = _file.SpanClamped(t.DebuggerDataOffset, Math.Min(t.DebuggerDataSize, 0x1000u));
            var k = Kernel.KdDebuggerData.TryParse(bytes, PointerSize);
            if (k == null) _warnings.Add($"KDBG copy at file offset 0x{t.DebuggerDataOffset:x} is unreadable or lacks the 'KDBG' tag");
            return k;
        }
        return null; // full/bitmap dumps: KernelGlobalsResolver
    }

    private TriageMemory BuildTriageMemory(TriageDump triage)
    {
        var t = triage.Header;
        var segments = new List<TriageSegment>();
        foreach (var b in triage.DataBlocks) segments.Add(new TriageSegment(b.Address, b.Offset, b.Size, $"data block at {Hex.Pointer(b.Address, PointerSize)}"));
        if (t.TopOfStack != 0 && t.SizeOfCallStack != 0) segments.Add(new TriageSegment(t.TopOfStack, t.CallStackOffset, t.SizeOfCallStack, "saved call stack"));
        if (t.DataPageAddress != 0 && t.DataPageSize != 0) segments.Add(new TriageSegment(t.DataPageAddress, t.DataPageOffset, t.DataPageSize, "data page"));
        if (Header.KdDebuggerDataBlock != 0 && t.DebuggerDataOffset != 0 && t.DebuggerDataSize != 0)
            segments.Add(new TriageSegment(Header.KdDebuggerDataBlock, t.DebuggerDataOffset, t.DebuggerDataSize, "KDBG copy"));
        var blocksOnly = new TriageMemory(_file, segments);
        // The PRCB/thread/process copies: their virtual addresses come from the copies themselves.
        if (_kdbg != null && t.PrcbOffset != 0)
        {
            uint prcbSize = _kdbg.SizePrcb ?? 0;
            ulong thread = ReadFilePointer(t.PrcbOffset + (long)(_kdbg.OffsetPrcbCurrentThread ?? 8));
            ulong process = t.ThreadOffset != 0 && _kdbg.OffsetKThreadApcProcess is ushort ap ? ReadFilePointer(t.ThreadOffset + (long)ap) : 0;
            ulong prcb = 0;
            if (_kdbg.KiProcessorBlock is ulong kpb && _kdbg.OffsetPrcbNumber is ushort numAt && _file.Contains(t.PrcbOffset + numAt, 4))
            {
                uint number = PointerSize == 8 ? _file.U32(t.PrcbOffset + numAt, "PRCB number") : _file.U16(t.PrcbOffset + numAt, "PRCB number");
                blocksOnly.TryReadPointer(kpb + (ulong)number * (ulong)PointerSize, PointerSize, out prcb, out _);
            }
            if (prcb != 0 && prcbSize != 0) segments.Add(new TriageSegment(prcb, t.PrcbOffset, prcbSize, "PRCB copy"));
            if (thread != 0 && _kdbg.SizeEThread is ushort ts && t.ThreadOffset != 0) segments.Add(new TriageSegment(thread, t.ThreadOffset, ts, "thread copy"));
            if (process != 0 && _kdbg.SizeEProcess is ushort ps && t.ProcessOffset != 0) segments.Add(new TriageSegment(process, t.ProcessOffset, ps, "process copy"));
            return new TriageMemory(_file, segments);
        }
        return blocksOnly;
    }

    private ulong ReadFilePointer(long offset)
    {
        if (!_file.Contains(offset, PointerSize)) return 0;
        return PointerSize == 8 ? _file.U64(offset, "pointer") : _file.U32(offset, "pointer");
    }

    private byte[]? LoadPrcb(out ulong address)
    {
        address = 0;
        var triage = Dump.Triage;
        uint size = _kdbg?.SizePrcb ?? 0;
        if (triage != null)
        {
            var t = triage.Header;
            if (t.PrcbOffset == 0) return null;
            if (size == 0) size = t.ProcessOffset > t.PrcbOffset ? t.ProcessOffset - t.PrcbOffset : 0;
            var span = _file.SpanClamped(t.PrcbOffset, size);
            if (span.Length < size) _warnings.Add($"PRCB copy is cut off: 0x{span.Length:x} of 0x{size:x} bytes are in the file");
            if (_kdbg?.KiProcessorBlock is ulong kpb && _kdbg.OffsetPrcbNumber is ushort numAt && numAt + 4 <= span.Length)
                Memory.TryReadPointer(kpb + (PointerSize == 8 ? Le.U32(span, numAt) : Le.U16(span, numAt)) * (ulong)PointerSize, PointerSize, out address, out _);
            return span.Length == 0 ? null : span.ToArray();
        }
        // Full/bitmap dumps: the PRCB of processor 0 unless another one's saved context matches the header's.
        if (_kdbg?.KiProcessorBlock is not ulong blocks || size == 0) return null;
        var headerRsp = ReadHeaderContext()?.StackPointer;
        byte[]? first = null;
        ulong firstAddress = 0;
        uint count = Math.Min(Header.NumberProcessors, 4096);
        for (uint i = 0; i < count; i++)
        {
            if (!Memory.TryReadPointer(blocks + i * (ulong)PointerSize, PointerSize, out ulong prcb, out _) || prcb == 0) continue;
            var bytes = new byte[size];
            if (Memory.Read(prcb, bytes, out _) < size) continue;
            if (first == null) { first = bytes; firstAddress = prcb; }
            if (headerRsp is ulong rsp && _kdbg.OffsetPrcbProcStateContext is ushort ctxAt && ctxAt + 0x100 <= bytes.Length)
            {
                var ctx = ContextDecoder.Decode(Machine, bytes.AsSpan(ctxAt), out _);
                if (ctx != null && ctx.StackPointer == rsp) { address = prcb; return bytes; }
            }
        }
        address = firstAddress;
        return first;
    }

    private ulong FindCurrentProcess()
    {
        if (_kdbg?.OffsetKThreadApcProcess is not ushort apcProcess) return 0;
        var t = Dump.Triage?.Header;
        if (t != null && t.ThreadOffset != 0) return ReadFilePointer(t.ThreadOffset + (long)apcProcess);
        if (CurrentThreadAddress == 0) return 0;
        return Memory.TryReadPointer(CurrentThreadAddress + apcProcess, PointerSize, out ulong p, out _) ? p : 0;
    }

    private RegisterContext? ReadHeaderContext()
    {
        int size = ContextDecoder.FullSize(Machine);
        long offset = Dump.Triage?.Header.ContextOffset is uint o && o != 0 ? o : Header.ContextOffset;
        if (!_file.Contains(offset, size)) return null;
        return ContextDecoder.Decode(Machine, _file.Span(offset, size, "CONTEXT"), out _);
    }

    private RegisterContext? ReadBugcheckContext()
    {
        if (_prcb == null || _kdbg?.OffsetPrcbContext is not ushort at || at + PointerSize > _prcb.Length) return null;
        ulong pointer = PointerSize == 8 ? Le.U64(_prcb, at) : Le.U32(_prcb, at);
        if (pointer == 0) return null;
        var bytes = new byte[ContextDecoder.FullSize(Machine)];
        if (Memory.Read(pointer, bytes, out _) < bytes.Length) return null;
        var ctx = ContextDecoder.Decode(Machine, bytes, out _);
        return ctx != null && ctx.InstructionPointer != 0 ? ctx : null;
    }

    private IReadOnlyList<ModuleInfo> LoadModules()
    {
        List<ModuleInfo> modules;
        if (Dump.Triage != null)
            modules = Dump.Triage.Drivers.Select(d => new ModuleInfo(d.Name, d.Base, d.SizeOfImage, d.TimeDateStamp, d.CheckSum)).ToList();
        else if (Dump.Pages != null && Machine is Machine.X64 or Machine.X86)
            modules = KernelModuleListWalker.Walk(Memory, PsLoadedModuleList, PointerSize, KernelModuleListWalker.LayoutFor(PointerSize, Header.MinorVersion), _warnings);
        else
            modules = [];
        // WinDbg names the kernel image "nt" whatever its file name.
        ulong kernBase = _kdbg?.KernBase ?? _globals?.KernelBase ?? 0;
        for (int i = 0; i < modules.Count; i++)
        {
            bool isKernel = kernBase != 0 ? modules[i].Base == kernBase : i == 0 && modules[i].FileName.StartsWith("nt", StringComparison.OrdinalIgnoreCase);
            if (!isKernel) continue;
            modules[i] = modules[i] with { Name = "nt" };
            // The image's own CodeView record: nt's symbols are then picked by GUID/age.
            if (modules[i].CodeView == null && _globals?.Image is { } image && image.Base == modules[i].Base)
                modules[i] = modules[i] with { CodeView = new CodeViewInfo("RSDS", image.PdbName, image.Guid, image.Age) };
            break;
        }
        return modules;
    }

    private SystemInfo BuildSystemInfo()
    {
        uint build = Header.MinorVersion;
        var (major, minor) = WindowsBuilds.NtVersion(build);
        return new SystemInfo(Machine, Header.NumberProcessors, major, minor, build,
            ProductType: Header.ProductType ?? 0, SuiteMask: Header.SuiteMask ?? 0, BuildLab: ReadBuildLab());
    }

    private string? ReadBuildLab()
    {
        if (_kdbg?.NtBuildLab is not ulong address || address == 0) return null;
        var buffer = new byte[128];
        int got = Memory.Read(address, buffer, out _);
        var text = Le.Ascii(buffer.AsSpan(0, got));
        return text.Length == 0 ? null : text;
    }

    private TargetTimes BuildTimes()
    {
        DateTimeOffset? when = null;
        if (Header.SystemTime is ulong ft && ft > 0 && ft < (ulong)DateTime.MaxValue.ToFileTimeUtc())
            when = new DateTimeOffset(DateTime.FromFileTimeUtc((long)ft), TimeSpan.Zero);
        TimeSpan? up = Header.SystemUpTime is ulong u && u < (ulong)TimeSpan.MaxValue.Ticks ? TimeSpan.FromTicks((long)u) : null;
        return new TargetTimes(when, up);
    }

    public void Dispose() => _file.Dispose();
}
