using Ntdbg.Targets.Contexts;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Minidump;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.User;

/// <summary>
/// A user-mode minidump ('MDMP') as a debug target: modules, threads with contexts and names, the
/// exception, system and process information, handles, memory regions, comments and process memory.
/// Everything is read when the dump opens; malformed structure throws <see cref="DumpFormatException"/>,
/// truncation opens with warnings and faults reads as <see cref="MemoryFaultKind.Truncated"/>.
/// </summary>
public sealed class UserDumpTarget : IUserTarget
{
    /// <summary>Exception records chained through memory are followed at most this far.</summary>
    private const int MaxExceptionChain = 16;

    private readonly MinidumpFile _dump;
    private readonly MappedFile? _ownedFile;
    private readonly List<string> _warnings = [];

    private UserDumpTarget(MinidumpFile dump, MappedFile? ownedFile)
    {
        _dump = dump;
        _ownedFile = ownedFile;
        var decoded = new HashSet<uint>();
        var streams = new List<DumpStreamInfo>();

        MinidumpDirectoryEntry? Take(MinidumpStreamType t)
        {
            var e = dump.Find(t);
            if (e != null) decoded.Add(e.StreamType);
            return e;
        }

        var sys = Take(MinidumpStreamType.SystemInfo) is { } se ? SystemInfoStream.Read(dump, se) : null;
        RawSystemInfo = sys;
        var misc = Take(MinidumpStreamType.MiscInfo) is { } me ? MiscInfoStream.Read(dump, me) : null;
        MiscInfo = misc;
        SystemMemoryInfo = Take(MinidumpStreamType.SystemMemoryInfo) is { } sme ? SystemMemoryInfoStream.Read(dump, sme) : null;
        FunctionTables = Take(MinidumpStreamType.FunctionTable) is { } fe ? FunctionTableStream.Read(dump, fe) : [];
        VmCounters = Take(MinidumpStreamType.ProcessVmCounters) is { } ve ? ProcessVmCountersStream.Read(dump, ve) : null;
        BreakpadInfo = Take(MinidumpStreamType.BreakpadInfo) is { } be ? Formats.Minidump.BreakpadInfo.Read(dump, be) : null;

        var rawThreads = Take(MinidumpStreamType.ThreadList) is { } te ? ThreadListStream.Read(dump, te)
            : Take(MinidumpStreamType.ThreadExList) is { } tx ? ThreadExListStream.Read(dump, tx) : [];
        var names = Take(MinidumpStreamType.ThreadNames) is { } ne ? ThreadNamesStream.Read(dump, ne) : [];
        var threadInfos = Take(MinidumpStreamType.ThreadInfoList) is { } ie ? ThreadInfoListStream.Read(dump, ie) : [];
        RawModules = Take(MinidumpStreamType.ModuleList) is { } mle ? ModuleListStream.Read(dump, mle) : [];
        var unloaded = Take(MinidumpStreamType.UnloadedModuleList) is { } ue ? UnloadedModuleListStream.Read(dump, ue) : [];
        var memList = Take(MinidumpStreamType.MemoryList) is { } mem ? MemoryListStream.Read(dump, mem) : [];
        var mem64 = Take(MinidumpStreamType.Memory64List) is { } m64 ? Memory64ListStream.Read(dump, m64) : [];
        var memInfo = Take(MinidumpStreamType.MemoryInfoList) is { } mie ? MemoryInfoListStream.Read(dump, mie) : [];
        var handles = Take(MinidumpStreamType.HandleData) is { } he ? HandleDataStream.Read(dump, he) : [];
        RawException = Take(MinidumpStreamType.Exception) is { } ee ? ExceptionStream.Read(dump, ee) : null;
        var comments = new List<string>();
        foreach (var t in new[] { MinidumpStreamType.CommentStreamA, MinidumpStreamType.CommentStreamW })
            if (Take(t) is { } ce) comments.Add(CommentStream.Read(dump, ce));

        Machine = UserDumpMapping.MachineOf(sys, rawThreads, dump);
        MemoryIndex = new MinidumpMemory(dump.File, memList.Concat(mem64).Concat(UserDumpMapping.StackRanges(rawThreads, dump)));
        Memory = MemoryIndex;

        var seen = new HashSet<uint>();
        foreach (var e in dump.Directory)
        {
            DumpStreamStatus status;
            if (e.StreamType == 0 || e.Location.DataSize == 0) status = DumpStreamStatus.Empty;
            else if (!seen.Add(e.StreamType)) status = DumpStreamStatus.Duplicate;
            else if (decoded.Contains(e.StreamType)) status = DumpStreamStatus.Decoded;
            else if (Enum.IsDefined(typeof(MinidumpStreamType), e.StreamType)) status = DumpStreamStatus.NotDecoded;
            else status = DumpStreamStatus.Unknown;
            streams.Add(new DumpStreamInfo(e.Index, e.StreamType, e.TypeName, e.Location.DataSize, e.Location.Rva, status));
        }
        Streams = streams;

        System = sys == null ? null : new SystemInfo(Machine, sys.NumberOfProcessors, sys.MajorVersion, sys.MinorVersion, sys.BuildNumber,
            sys.PlatformId, sys.CsdVersion, sys.ProductType, sys.SuiteMask, sys.ProcessorLevel, sys.ProcessorRevision, sys.VendorId,
            string.IsNullOrEmpty(misc?.BuildString) ? null : misc.BuildString);
        Times = UserDumpMapping.BuildTimes(dump.Header, misc);
        ProcessId = misc?.ProcessId ?? 0;

        Modules = RawModules.Select(UserDumpMapping.ToModule).ToList();
        UnloadedModules = unloaded.Select(u => new UnloadedModuleInfo(u.Name, u.BaseOfImage, u.SizeOfImage, u.TimeDateStamp, u.CheckSum)).ToList();
        MemoryRegions = memInfo.Select(r => new MemoryRegionInfo(r.BaseAddress, r.AllocationBase, r.AllocationProtect, r.RegionSize, r.State, r.Protect, r.Type)).ToList();
        Handles = handles.Select(h => new HandleInfo(h.Handle, h.TypeName, h.ObjectName, h.Attributes, h.GrantedAccess, h.HandleCount, h.PointerCount)).ToList();
        Comments = comments;

        var nameById = new Dictionary<uint, string>();
        foreach (var n in names)
            if (n.Name != null) nameById.TryAdd(n.ThreadId, n.Name);
        var infoById = new Dictionary<uint, MinidumpThreadInfo>();
        foreach (var ti in threadInfos) infoById.TryAdd(ti.ThreadId, ti);
        Threads = rawThreads.Select((t, i) => new ThreadInfo(i, t.ThreadId, t.Teb, DecodeContext(t.Context, $"thread 0x{t.ThreadId:x}"),
            t.Stack.StartOfMemoryRange, t.Stack.Memory.DataSize, t.SuspendCount, t.PriorityClass, t.Priority,
            nameById.GetValueOrDefault(t.ThreadId), Times: infoById.TryGetValue(t.ThreadId, out var x)
                ? new ThreadTimes(x.StartAddress, x.Affinity, x.CreateTime, x.ExitTime, x.KernelTime, x.UserTime, x.ExitStatus, x.DumpFlags, x.DumpError)
                : null)).ToList();
        RawThreads = rawThreads;

        if (RawException is { } ex)
            Exception = new ExceptionInfo(ex.ThreadId, ex.ExceptionCode, ex.ExceptionFlags, ex.ExceptionRecord, ex.ExceptionAddress,
                ex.ExceptionInformation, DecodeContext(ex.Context, "exception"), ChainedRecord(ex.ExceptionRecord, 0, []));
        CurrentThreadIndex = PickCurrentThread();

        // Truncation is known only after every structure has been located.
        if (dump.MissingBytes > 0)
            _warnings.Insert(0, $"dump file is truncated: {(dump.MissingBytesIsLowerBound ? "at least " : "")}{dump.MissingBytes} bytes (0x{dump.MissingBytes:x}) missing; the file has " +
                $"0x{dump.File.Length:x} bytes, its contents extend to 0x{dump.RequiredLength:x}");
        foreach (var w in dump.Warnings) _warnings.Add(w);
    }

    public static UserDumpTarget Open(string path)
    {
        var file = MappedFile.Open(path);
        try { return new UserDumpTarget(MinidumpFile.Open(file), file); }
        catch { file.Dispose(); throw; }
    }

    /// <summary>Opens a dump held in an already mapped file (tests, dumps extracted from archives); the caller disposes it.</summary>
    public static UserDumpTarget Open(MappedFile file) => new(MinidumpFile.Open(file), null);

    public string Path => _dump.Path;
    public TargetKind Kind => TargetKind.UserDump;
    public string FormatDescription => (Header.Flags & 0x2) != 0 ? "User mini dump with full memory" : "User mini dump";
    public Machine Machine { get; }
    public int PointerSize => Machine.PointerSize();
    public IVirtualMemory Memory { get; }
    public SystemInfo? System { get; }
    public TargetTimes Times { get; }
    public IReadOnlyList<ModuleInfo> Modules { get; }
    public IReadOnlyList<UnloadedModuleInfo> UnloadedModules { get; }
    public IReadOnlyList<ThreadInfo> Threads { get; }
    public int CurrentThreadIndex { get; }
    public ExceptionInfo? Exception { get; }
    public IReadOnlyList<string> Warnings => _warnings;
    public uint ProcessId { get; }
    public IReadOnlyList<MemoryRegionInfo> MemoryRegions { get; }
    public IReadOnlyList<HandleInfo> Handles { get; }
    public IReadOnlyList<string> Comments { get; }

    // The raw minidump structures, for commands that print what the file says (.dumpdebug, vertarget, lmv).
    public MinidumpHeader Header => _dump.Header;
    /// <summary>Bytes the dump refers to past the end of a truncated file (a lower bound when cut-off structures hid more).</summary>
    public long MissingBytes => _dump.MissingBytes;
    public IReadOnlyList<DumpStreamInfo> Streams { get; }
    public MinidumpSystemInfo? RawSystemInfo { get; }
    public MinidumpMiscInfo? MiscInfo { get; }
    public BreakpadInfo? BreakpadInfo { get; }
    /// <summary>The machine's memory facts (page size, user address range, commit), when the dump holds them.</summary>
    public MinidumpSystemMemoryInfo? SystemMemoryInfo { get; }
    /// <summary>Dynamic function tables (RtlAddFunctionTable) for unwinding generated code; entries via <see cref="MinidumpFunctionTable.ReadEntries"/>.</summary>
    public IReadOnlyList<MinidumpFunctionTable> FunctionTables { get; }
    /// <summary>The mapped dump file, for readers of file offsets the raw structures give.</summary>
    public MappedFile File => _dump.File;
    /// <summary>The process's memory counters (ProcessVmCountersStream), when the dump holds them.</summary>
    public MinidumpVmCounters? VmCounters { get; }
    public MinidumpException? RawException { get; }
    public IReadOnlyList<MinidumpModule> RawModules { get; }
    public IReadOnlyList<MinidumpThread> RawThreads { get; }
    /// <summary>The merged memory index behind <see cref="Memory"/>.</summary>
    public MinidumpMemory MemoryIndex { get; }

    /// <summary>The raw CONTEXT bytes at a location (null when outside the file), for callers that need FP/vector state.</summary>
    public byte[]? ContextBytes(MinidumpLocation location)
    {
        if (location.IsEmpty || location.DataSize > 1 << 20) return null;
        var span = _dump.File.SpanClamped(location.Rva, location.DataSize);
        return span.Length == location.DataSize ? span.ToArray() : null;
    }

    private RegisterContext? DecodeContext(MinidumpLocation location, string owner)
    {
        if (location.IsEmpty) return null;
        if (location.DataSize > 1 << 20)
            throw new DumpFormatException(Path, location.Rva, $"context of {owner}: size {location.DataSize} exceeds the limit of 1 MiB");
        _dump.NoteExtent(location.End);
        var raw = _dump.File.SpanClamped(location.Rva, location.DataSize);
        var ctx = ContextDecoder.Decode(Machine, raw, out var problem);
        if (ctx == null)
            _warnings.Add(raw.Length < location.DataSize
                ? $"context of {owner} is cut off by the end of the file"
                : $"context of {owner} not decoded: {problem}");
        return ctx;
    }

    /// <summary>Follows ExceptionRecord pointers through dumped memory (nested exceptions), stopping at holes and cycles.</summary>
    private ExceptionInfo? ChainedRecord(ulong address, int depth, HashSet<ulong> visited)
    {
        if (address == 0 || depth >= MaxExceptionChain || !visited.Add(address)) return null;
        bool wide = PointerSize == 8;
        int size = wide ? 152 : 80;
        var buf = new byte[size];
        if (Memory.Read(address, buf, out _) < size) return null;
        uint code = Le.U32(buf, 0), flags = Le.U32(buf, 4);
        ulong next = wide ? Le.U64(buf, 8) : Le.U32(buf, 8);
        ulong at = wide ? Le.U64(buf, 16) : Le.U32(buf, 12);
        uint n = Math.Min(Le.U32(buf, wide ? 24 : 16), 15);
        var p = new ulong[n];
        for (int i = 0; i < n; i++) p[i] = wide ? Le.U64(buf, 32 + 8 * i) : Le.U32(buf, 20 + 4 * i);
        return new ExceptionInfo(RawException?.ThreadId ?? 0, code, flags, next, at, p, null, ChainedRecord(next, depth + 1, visited));
    }

    private int PickCurrentThread()
    {
        uint? wanted = Exception?.ThreadId ?? BreakpadInfo?.RequestingThread;
        if (wanted is { } id)
            for (int i = 0; i < Threads.Count; i++)
                if (Threads[i].ThreadId == id) return i;
        return 0;
    }

    private bool _disposed;

    /// <summary>Idempotent: a session and its host may both dispose the target.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _dump.Dispose();
        _ownedFile?.Dispose();
    }
}
