using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Tests.Support;

/// <summary>Memory made of explicit regions; anything else is a hole that faults as NotInDump.</summary>
public sealed class RegionMemory : IVirtualMemory
{
    private readonly SortedList<ulong, byte[]> _regions = [];

    public string Name => "test memory";

    public RegionMemory Add(ulong address, byte[] data)
    {
        _regions.Add(address, data);
        return this;
    }

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            var hit = _regions.FirstOrDefault(r => at >= r.Key && at - r.Key < (ulong)r.Value.Length);
            if (hit.Value == null)
            {
                fault = new MemoryFault(at, MemoryFaultKind.NotInDump, "no region holds this address", Name);
                return done;
            }
            int off = (int)(at - hit.Key);
            int n = Math.Min(hit.Value.Length - off, destination.Length - done);
            hit.Value.AsSpan(off, n).CopyTo(destination[done..]);
            done += n;
        }
        fault = null;
        return done;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        foreach (var (addr, data) in _regions)
        {
            ulong rEnd = addr + (ulong)data.Length;
            if (rEnd <= start || addr >= end) continue;
            ulong s = Math.Max(start, addr), e = Math.Min(end, rEnd);
            if (!visitor(s, data.AsSpan((int)(s - addr), (int)(e - s)))) return;
        }
    }
}

/// <summary>A target assembled in a test: memory regions, modules, threads, exception.</summary>
public sealed class FakeTarget : ITarget
{
    public string Path { get; init; } = "fake.dmp";
    public TargetKind Kind { get; init; } = TargetKind.UserDump;
    public string FormatDescription { get; init; } = "Fake dump";
    public Machine Machine { get; init; } = Machine.X64;
    public int PointerSize => Machine.PointerSize();
    public RegionMemory Regions { get; } = new();
    public IVirtualMemory Memory => Regions;
    public SystemInfo? System { get; init; }
    public TargetTimes Times { get; init; } = new(null);
    public List<ModuleInfo> ModuleList { get; } = [];
    public IReadOnlyList<ModuleInfo> Modules => ModuleList;
    public List<UnloadedModuleInfo> UnloadedList { get; } = [];
    public IReadOnlyList<UnloadedModuleInfo> UnloadedModules => UnloadedList;
    public List<ThreadInfo> ThreadList { get; } = [];
    public IReadOnlyList<ThreadInfo> Threads => ThreadList;
    public int CurrentThreadIndex { get; init; }
    public ExceptionInfo? Exception { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public void Dispose() { }
}
