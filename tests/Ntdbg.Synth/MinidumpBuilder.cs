using System.Text;

namespace Ntdbg.Synth;

/// <summary>A built dump and where its pieces landed, so tests can corrupt chosen fields.</summary>
public sealed record BuiltMinidump(byte[] Bytes, IReadOnlyList<BuiltStream> Streams, uint DirectoryRva)
{
    public BuiltStream Stream(uint type) => Streams.First(s => s.Type == type);

    public BuiltMinidump WithU32(int offset, uint value)
    {
        var b = (byte[])Bytes.Clone();
        BitConverter.TryWriteBytes(b.AsSpan(offset), value);
        return this with { Bytes = b };
    }

    public BuiltMinidump WithU64(int offset, ulong value)
    {
        var b = (byte[])Bytes.Clone();
        BitConverter.TryWriteBytes(b.AsSpan(offset), value);
        return this with { Bytes = b };
    }

    public byte[] TruncatedTo(int length) => Bytes.AsSpan(0, length).ToArray();
}

/// <summary>One stream: its directory slot's file offset, and its body's RVA and size.</summary>
public sealed record BuiltStream(uint Type, int DirectoryEntryOffset, uint Rva, uint Size);

/// <summary>
/// Builds user-mode minidumps ('MDMP') for tests, writing the structures itself from minidumpapiset.h.
/// Fluent: add threads, modules, memory and the rest, then <see cref="Build"/> lays them out and resolves
/// every RVA at the end. References no ntdbg code so a layout mistake in the reader cannot be mirrored.
/// </summary>
public sealed class MinidumpBuilder
{
    public const uint ThreadListStream = 3, ModuleListStream = 4, MemoryListStream = 5, ExceptionStream = 6, SystemInfoStream = 7,
        ThreadExListStream = 8, Memory64ListStream = 9, CommentStreamA = 10, CommentStreamW = 11, HandleDataStream = 12,
        UnloadedModuleListStream = 14, MiscInfoStream = 15, MemoryInfoListStream = 16, ThreadInfoListStream = 17, ThreadNamesStream = 24;

    public const ushort ArchX86 = 0, ArchAmd64 = 9, ArchArm64 = 12;

    private readonly List<byte[]> _blobs = [];
    private readonly List<(uint Type, Action<SynthWriter, Func<int, uint>> Write)> _streams = [];
    private readonly List<(uint Id, uint Suspend, uint PrioClass, uint Prio, ulong Teb, ulong StackStart, int Stack, int StackSize, int Context)> _threads = [];
    private readonly List<(uint Id, int Name)> _threadNames = [];
    private readonly List<(ulong Base, uint Size, uint Stamp, uint Sum, int Name, int Cv, int CvSize, uint[] Version)> _modules = [];
    private readonly List<(ulong Base, uint Size, uint Stamp, uint Sum, int Name)> _unloaded = [];
    private readonly List<(ulong Address, int Blob, int Size)> _memory = [];
    private readonly List<(ulong Address, byte[] Data)> _memory64 = [];
    private readonly List<byte[]> _memoryInfo = [];
    private readonly List<byte[]> _threadInfo = [];
    private readonly List<(ulong Handle, int Type, int Name, uint Attributes, uint Access, uint Handles, uint Pointers)> _handles = [];
    private bool _handles2 = true;
    private uint _timeDateStamp = 0x5f000000;
    private ulong _flags;
    private uint? _streamCountOverride;
    private uint? _directoryRvaOverride;
    private int _emptySlots;
    private readonly List<(ulong Min, ulong Max, ulong Base, (uint Begin, uint End, uint Unwind)[] Entries, uint Pad)> _functionTables = [];
    private bool _threadEx;
    private bool _countPadding;
    private int _extraHeader, _extraEntry;

    public MinidumpBuilder WithHeader(uint timeDateStamp, ulong flags = 0)
    {
        _timeDateStamp = timeDateStamp;
        _flags = flags;
        return this;
    }

    /// <summary>Writes a wrong NumberOfStreams / StreamDirectoryRva into the header (hostile-input tests).</summary>
    public MinidumpBuilder WithHeaderOverrides(uint? streamCount = null, uint? directoryRva = null)
    {
        _streamCountOverride = streamCount;
        _directoryRvaOverride = directoryRva;
        return this;
    }

    /// <summary>Writes the threads as a ThreadExListStream (MINIDUMP_THREAD_EX, 64 bytes) instead of a thread list.</summary>
    public MinidumpBuilder WithThreadExList() { _threadEx = true; return this; }

    /// <summary>Pads the u32 count of the thread, module and memory lists to 8 bytes, as some writers do.</summary>
    public MinidumpBuilder WithListCountPadding() { _countPadding = true; return this; }

    /// <summary>
    /// Makes the sized tables (thread info, unloaded modules, memory info, handles) declare larger headers and
    /// entries than today's structures, filled with 0xEE, as a future writer might: readers must step by the sizes.
    /// </summary>
    public MinidumpBuilder WithLargerTableSizes(int extraHeaderBytes, int extraEntryBytes)
    {
        _extraHeader = extraHeaderBytes;
        _extraEntry = extraEntryBytes;
        return this;
    }

    /// <summary>Adds unused (type 0) directory slots, as dbghelp leaves them.</summary>
    public MinidumpBuilder WithEmptyDirectorySlots(int n) { _emptySlots = n; return this; }

    public MinidumpBuilder WithSystemInfo(ushort architecture, uint major = 10, uint minor = 0, uint build = 19041, byte cpus = 4,
        string? csd = "", string? vendor = "GenuineIntel", ushort level = 6, ushort revision = 0x9e09, byte productType = 1,
        ushort suiteMask = 0x100, uint platformId = 2)
    {
        int csdBlob = csd == null ? -1 : AddString(csd);
        _streams.Add((SystemInfoStream, (w, rva) =>
        {
            w.U16(architecture).U16(level).U16(revision).U8(cpus).U8(productType);
            w.U32(major).U32(minor).U32(build).U32(platformId).U32(csdBlob < 0 ? 0 : rva(csdBlob)).U16(suiteMask).U16(0);
            var cpu = new byte[24];
            if (vendor != null) Encoding.ASCII.GetBytes(vendor, cpu);
            BitConverter.TryWriteBytes(cpu.AsSpan(12), 0x906e9u);
            BitConverter.TryWriteBytes(cpu.AsSpan(16), 0xbfebfbffu);
            w.Bytes(cpu);
        }
        ));
        return this;
    }

    /// <summary>A thread; its stack is also listed in the memory list (as dbghelp does) unless <paramref name="stackInMemoryList"/> is false.</summary>
    public MinidumpBuilder AddThread(uint id, ulong teb, ulong stackStart, byte[] stack, byte[] context, uint suspendCount = 0,
        uint priorityClass = 0x20, uint priority = 0, bool stackInMemoryList = true)
    {
        int stackBlob = AddBlob(stack);
        int ctxBlob = AddBlob(context);
        _threads.Add((id, suspendCount, priorityClass, priority, teb, stackStart, stackBlob, stack.Length, ctxBlob));
        if (stackInMemoryList) _memory.Add((stackStart, stackBlob, stack.Length));
        return this;
    }

    public MinidumpBuilder AddThreadName(uint threadId, string name)
    {
        _threadNames.Add((threadId, AddString(name)));
        return this;
    }

    public MinidumpBuilder AddThreadInfo(uint threadId, ulong createTime, ulong kernelTime, ulong userTime, ulong startAddress,
        ulong affinity = 1, uint exitStatus = 0x103)
    {
        var w = new SynthWriter();
        w.U32(threadId).U32(0).U32(0).U32(exitStatus).U64(createTime).U64(0).U64(kernelTime).U64(userTime).U64(startAddress).U64(affinity);
        _threadInfo.Add(w.ToArray());
        return this;
    }

    /// <summary>A module with an 'RSDS' CodeView record (or none when <paramref name="pdbPath"/> is null).</summary>
    public MinidumpBuilder AddModule(ulong baseAddress, uint size, string path, uint timeDateStamp = 0, uint checkSum = 0,
        string? pdbPath = null, Guid pdbGuid = default, uint age = 1, ushort[]? fileVersion = null)
    {
        int cv = -1, cvSize = 0;
        if (pdbPath != null)
        {
            var w = new SynthWriter();
            w.Bytes("RSDS"u8).Bytes(pdbGuid.ToByteArray()).U32(age).Bytes(Encoding.UTF8.GetBytes(pdbPath)).U8(0);
            var bytes = w.ToArray();
            cv = AddBlob(bytes);
            cvSize = bytes.Length;
        }
        return AddModuleRecord(baseAddress, size, path, timeDateStamp, checkSum, cv, cvSize, fileVersion);
    }

    /// <summary>A module with an old 'NB10' CodeView record.</summary>
    public MinidumpBuilder AddModuleNb10(ulong baseAddress, uint size, string path, uint signature, uint age, string pdbPath)
    {
        var w = new SynthWriter();
        w.Bytes("NB10"u8).U32(0).U32(signature).U32(age).Bytes(Encoding.ASCII.GetBytes(pdbPath)).U8(0);
        var bytes = w.ToArray();
        return AddModuleRecord(baseAddress, size, path, 0, 0, AddBlob(bytes), bytes.Length, null);
    }

    private MinidumpBuilder AddModuleRecord(ulong baseAddress, uint size, string path, uint stamp, uint sum, int cv, int cvSize, ushort[]? version)
    {
        uint[] v = version == null ? [] : [(uint)version[0] << 16 | version[1], (uint)version[2] << 16 | version[3]];
        _modules.Add((baseAddress, size, stamp, sum, AddString(path), cv, cvSize, v));
        return this;
    }

    public MinidumpBuilder AddUnloadedModule(ulong baseAddress, uint size, string path, uint timeDateStamp = 0, uint checkSum = 0)
    {
        _unloaded.Add((baseAddress, size, timeDateStamp, checkSum, AddString(path)));
        return this;
    }

    /// <summary>A range in the MemoryList stream (32-bit RVA and size).</summary>
    public MinidumpBuilder AddMemory(ulong address, byte[] data)
    {
        _memory.Add((address, AddBlob(data), data.Length));
        return this;
    }

    /// <summary>A range in the Memory64List stream; all its data lies back to back at the end of the file.</summary>
    public MinidumpBuilder AddMemory64(ulong address, byte[] data)
    {
        _memory64.Add((address, data));
        return this;
    }

    public MinidumpBuilder AddMemoryInfo(ulong baseAddress, ulong allocationBase, uint allocationProtect, ulong regionSize,
        uint state, uint protect, uint type)
    {
        var w = new SynthWriter();
        w.U64(baseAddress).U64(allocationBase).U32(allocationProtect).U32(0).U64(regionSize).U32(state).U32(protect).U32(type).U32(0);
        _memoryInfo.Add(w.ToArray());
        return this;
    }

    public MinidumpBuilder WithException(uint threadId, uint code, ulong address, ulong[] parameters, byte[] context,
        uint flags = 0, ulong nestedRecord = 0)
    {
        int ctx = AddBlob(context);
        _streams.Add((ExceptionStream, (w, rva) =>
        {
            w.U32(threadId).U32(0).U32(code).U32(flags).U64(nestedRecord).U64(address).U32((uint)parameters.Length).U32(0);
            for (int i = 0; i < 15; i++) w.U64(i < parameters.Length ? parameters[i] : 0);
            w.U32((uint)context.Length).U32(rva(ctx));
        }
        ));
        return this;
    }

    /// <summary>
    /// MINIDUMP_MISC_INFO of the given version (1-5): the stream and SizeOfInfo are the version's size.
    /// Flags are set for every field the version holds.
    /// </summary>
    public MinidumpBuilder WithMiscInfo(int version, uint processId, uint createTime, uint userTime = 0, uint kernelTime = 0,
        int tzBias = 0, string tzStandardName = "", string tzDaylightName = "", int tzDaylightBias = -60, uint tzId = 1,
        string buildString = "", string dbgBuildString = "", uint processorMaxMhz = 0)
    {
        int[] sizes = [0, 24, 44, 232, 832, 1364];
        uint flags = 0x1 | 0x2;
        if (version >= 2) flags |= 0x4;
        if (version >= 3) flags |= 0x10 | 0x20 | 0x40 | 0x80;
        if (version >= 4) flags |= 0x100;
        if (version >= 5) flags |= 0x200;
        _streams.Add((MiscInfoStream, (w, _) =>
        {
            w.U32((uint)sizes[version]).U32(flags).U32(processId).U32(createTime).U32(userTime).U32(kernelTime);
            if (version >= 2) w.U32(processorMaxMhz).U32(processorMaxMhz).U32(processorMaxMhz).U32(1).U32(1);
            if (version >= 3)
            {
                w.U32(0x2000).U32(0x4d).U32(0).U32(tzId);
                w.I32(tzBias).FixedUtf16(tzStandardName, 32).Zeros(16).I32(0).FixedUtf16(tzDaylightName, 32).Zeros(16).I32(tzDaylightBias);
            }
            if (version >= 4) w.FixedUtf16(buildString, 260).FixedUtf16(dbgBuildString, 40);
            if (version >= 5) w.U32(528).U32(0x340).U64(0x7).Zeros(512).U32(0x12345678);
        }
        ));
        return this;
    }

    /// <summary>
    /// A dynamic function table in the FunctionTable stream: x64 RUNTIME_FUNCTION entries (12 bytes), a
    /// 0x58-byte native descriptor of 0xDD bytes, and <paramref name="pad"/> bytes of padding after the entries.
    /// </summary>
    public MinidumpBuilder AddFunctionTable(ulong minimum, ulong maximum, ulong baseAddress, (uint Begin, uint End, uint Unwind)[] entries, uint pad = 4)
    {
        _functionTables.Add((minimum, maximum, baseAddress, entries, pad));
        return this;
    }

    /// <summary>MINIDUMP_PROCESS_VM_COUNTERS_2 with the given flags; values are index-derived (1000 * field number).</summary>
    public MinidumpBuilder WithProcessVmCounters2(ushort flags)
    {
        _streams.Add((22, (w, _) =>
        {
            w.U16(2).U16(flags).U32(77);
            // PeakWorkingSetSize .. JobTotalCommitLimit: 18 ULONG64 fields in header order.
            for (int i = 1; i <= 18; i++) w.U64((ulong)i * 1000);
        }
        ));
        return this;
    }

    public MinidumpBuilder AddHandle(ulong handle, string? typeName, string? objectName, uint attributes = 0, uint grantedAccess = 0x1f0003,
        uint handleCount = 1, uint pointerCount = 2)
    {
        _handles.Add((handle, typeName == null ? -1 : AddString(typeName), objectName == null ? -1 : AddString(objectName), attributes,
            grantedAccess, handleCount, pointerCount));
        return this;
    }

    /// <summary>Writes handle descriptors as the 32-byte MINIDUMP_HANDLE_DESCRIPTOR instead of _2.</summary>
    public MinidumpBuilder WithHandleDescriptorVersion1() { _handles2 = false; return this; }

    public MinidumpBuilder AddComment(string text, bool wide)
    {
        byte[] body = wide ? Encoding.Unicode.GetBytes(text + "\0") : Encoding.ASCII.GetBytes(text + "\0");
        return AddRawStream(wide ? CommentStreamW : CommentStreamA, body);
    }

    public MinidumpBuilder AddRawStream(uint type, byte[] body)
    {
        _streams.Add((type, (w, _) => w.Bytes(body)));
        return this;
    }

    public BuiltMinidump Build()
    {
        var streams = new List<(uint Type, Action<SynthWriter, Func<int, uint>> Write)>();
        if (_threads.Count > 0) streams.Add((_threadEx ? ThreadExListStream : ThreadListStream, WriteThreads));
        if (_threadNames.Count > 0) streams.Add((ThreadNamesStream, WriteThreadNames));
        if (_threadInfo.Count > 0) streams.Add((ThreadInfoListStream, (w, _) => WriteSizedTable(w, 12, 64, _threadInfo, false)));
        if (_modules.Count > 0) streams.Add((ModuleListStream, WriteModules));
        if (_unloaded.Count > 0) streams.Add((UnloadedModuleListStream, WriteUnloaded));
        if (_memory.Count > 0) streams.Add((MemoryListStream, WriteMemoryList));
        if (_memoryInfo.Count > 0) streams.Add((MemoryInfoListStream, (w, _) => WriteSizedTable(w, 16, 48, _memoryInfo, true)));
        if (_handles.Count > 0) streams.Add((HandleDataStream, WriteHandles));
        if (_functionTables.Count > 0) streams.Add((13, WriteFunctionTables));
        streams.AddRange(_streams);

        int total = streams.Count + (_memory64.Count > 0 ? 1 : 0) + _emptySlots;
        var w = new SynthWriter();
        w.Zeros(32);
        int dirRva = w.Position;
        w.Zeros(total * 12);

        var blobRvas = new uint[_blobs.Count];
        for (int i = 0; i < _blobs.Count; i++)
        {
            w.Align(4);
            blobRvas[i] = (uint)w.Position;
            w.Bytes(_blobs[i]);
        }
        uint Rva(int blob) => blobRvas[blob];

        var built = new List<BuiltStream>();
        int slot = 0;
        void Directory(uint type, int rva, int size)
        {
            int at = dirRva + slot * 12;
            w.PatchU32(at, type);
            w.PatchU32(at + 4, (uint)size);
            w.PatchU32(at + 8, (uint)rva);
            built.Add(new BuiltStream(type, at, (uint)rva, (uint)size));
            slot++;
        }
        foreach (var (type, write) in streams)
        {
            w.Align(4);
            int start = w.Position;
            write(w, Rva);
            Directory(type, start, w.Position - start);
        }
        if (_memory64.Count > 0)
        {
            w.Align(8);
            int start = w.Position;
            w.U64((ulong)_memory64.Count).U64(0);
            foreach (var (address, data) in _memory64) w.U64(address).U64((ulong)data.Length);
            int size = w.Position - start;
            w.PatchU64(start + 8, (ulong)w.Position);
            foreach (var (_, data) in _memory64) w.Bytes(data);
            Directory(Memory64ListStream, start, size);
        }
        for (int i = 0; i < _emptySlots; i++) Directory(0, 0, 0);

        w.PatchU32(0, 0x504d444d);
        w.PatchU32(4, 0x0001a793 | (10u << 16));
        w.PatchU32(8, _streamCountOverride ?? (uint)total);
        w.PatchU32(12, _directoryRvaOverride ?? (uint)dirRva);
        w.PatchU32(16, 0);
        w.PatchU32(20, _timeDateStamp);
        w.PatchU64(24, _flags);
        return new BuiltMinidump(w.ToArray(), built, (uint)dirRva);
    }

    private void WriteThreads(SynthWriter w, Func<int, uint> rva)
    {
        Count(w, _threads.Count);
        foreach (var t in _threads)
        {
            w.U32(t.Id).U32(t.Suspend).U32(t.PrioClass).U32(t.Prio).U64(t.Teb);
            w.U64(t.StackStart).U32((uint)t.StackSize).U32(rva(t.Stack));
            w.U32((uint)_blobs[t.Context].Length).U32(rva(t.Context));
            if (_threadEx) w.U64(0).U32(0).U32(0); // BackingStore (IA-64 only)
        }
    }

    private void WriteThreadNames(SynthWriter w, Func<int, uint> rva)
    {
        w.U32((uint)_threadNames.Count);
        foreach (var (id, name) in _threadNames) w.U32(id).U64(rva(name));
    }

    private void WriteModules(SynthWriter w, Func<int, uint> rva)
    {
        Count(w, _modules.Count);
        foreach (var m in _modules)
        {
            w.U64(m.Base).U32(m.Size).U32(m.Sum).U32(m.Stamp).U32(rva(m.Name));
            if (m.Version.Length == 2)
                w.U32(0xfeef04bd).U32(0x10000).U32(m.Version[0]).U32(m.Version[1]).U32(m.Version[0]).U32(m.Version[1])
                    .U32(0x3f).U32(0).U32(0x40004).U32(2).U32(0).U32(0).U32(0);
            else w.Zeros(52);
            w.U32((uint)m.CvSize).U32(m.Cv < 0 ? 0 : rva(m.Cv));
            w.U32(0).U32(0).U64(0).U64(0);
        }
    }

    private void WriteUnloaded(SynthWriter w, Func<int, uint> rva)
    {
        w.U32(12 + (uint)_extraHeader).U32(24 + (uint)_extraEntry).U32((uint)_unloaded.Count).Bytes(Filler(_extraHeader));
        foreach (var u in _unloaded) w.U64(u.Base).U32(u.Size).U32(u.Sum).U32(u.Stamp).U32(rva(u.Name)).Bytes(Filler(_extraEntry));
    }

    private void WriteMemoryList(SynthWriter w, Func<int, uint> rva)
    {
        Count(w, _memory.Count);
        foreach (var (address, blob, size) in _memory) w.U64(address).U32((uint)size).U32(rva(blob));
    }

    private void WriteHandles(SynthWriter w, Func<int, uint> rva)
    {
        w.U32(16 + (uint)_extraHeader).U32((_handles2 ? 40u : 32u) + (uint)_extraEntry).U32((uint)_handles.Count).U32(0).Bytes(Filler(_extraHeader));
        foreach (var h in _handles)
        {
            w.U64(h.Handle).U32(h.Type < 0 ? 0 : rva(h.Type)).U32(h.Name < 0 ? 0 : rva(h.Name)).U32(h.Attributes).U32(h.Access)
                .U32(h.Handles).U32(h.Pointers);
            if (_handles2) w.U32(0).U32(0);
            w.Bytes(Filler(_extraEntry));
        }
    }

    private void WriteSizedTable(SynthWriter w, uint header, uint entry, List<byte[]> entries, bool count64)
    {
        w.U32(header + (uint)_extraHeader).U32(entry + (uint)_extraEntry);
        if (count64) w.U64((ulong)entries.Count); else w.U32((uint)entries.Count);
        w.Bytes(Filler(_extraHeader));
        foreach (var e in entries) w.Bytes(e).Bytes(Filler(_extraEntry));
    }

    private void WriteFunctionTables(SynthWriter w, Func<int, uint> _)
    {
        const int native = 0x58;
        w.U32(24).U32(32).U32(native).U32(12).U32((uint)_functionTables.Count).U32(8).Zeros(8);
        foreach (var t in _functionTables)
        {
            w.U64(t.Min).U64(t.Max).U64(t.Base).U32((uint)t.Entries.Length).U32(t.Pad);
            w.Bytes(Enumerable.Repeat((byte)0xDD, native).ToArray());
            foreach (var (begin, end, unwind) in t.Entries) w.U32(begin).U32(end).U32(unwind);
            w.Zeros((int)t.Pad);
        }
    }

    private static byte[] Filler(int n) => Enumerable.Repeat((byte)0xEE, n).ToArray();

    private void Count(SynthWriter w, int count)
    {
        w.U32((uint)count);
        if (_countPadding) w.U32(0);
    }

    private int AddBlob(byte[] data)
    {
        _blobs.Add(data);
        return _blobs.Count - 1;
    }

    /// <summary>A MINIDUMP_STRING: byte length (without the terminator), UTF-16LE text, NUL.</summary>
    private int AddString(string s)
    {
        var w = new SynthWriter();
        var text = Encoding.Unicode.GetBytes(s);
        w.U32((uint)text.Length).Bytes(text).U16(0);
        return AddBlob(w.ToArray());
    }
}
