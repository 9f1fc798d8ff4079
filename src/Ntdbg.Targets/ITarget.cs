using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets;

public enum TargetKind
{
    UserDump,
    KernelDump,
    Image,
}

/// <summary>
/// A debug target: a dump or an image file. The core is small; kernel- and user-specific data come
/// from the capability interfaces (<see cref="IKernelTarget"/>, <see cref="IUserTarget"/>).
/// </summary>
public interface ITarget : IDisposable
{
    string Path { get; }
    TargetKind Kind { get; }
    /// <summary>A short description of the file format ("User mini dump", "Kernel triage dump (64-bit)").</summary>
    string FormatDescription { get; }
    Machine Machine { get; }
    int PointerSize { get; }
    IVirtualMemory Memory { get; }
    SystemInfo? System { get; }
    TargetTimes Times { get; }
    IReadOnlyList<ModuleInfo> Modules { get; }
    IReadOnlyList<UnloadedModuleInfo> UnloadedModules { get; }
    IReadOnlyList<ThreadInfo> Threads { get; }
    /// <summary>The index into <see cref="Threads"/> the debugger starts on (the faulting one).</summary>
    int CurrentThreadIndex { get; }
    ExceptionInfo? Exception { get; }
    /// <summary>Problems found while opening (truncation, skipped streams) — printed as warnings.</summary>
    IReadOnlyList<string> Warnings { get; }
}

/// <summary>Kernel dumps: bugcheck, KDBG, processor state.</summary>
public interface IKernelTarget : ITarget
{
    BugcheckInfo Bugcheck { get; }
    ulong KernelBase { get; }
    ulong PsLoadedModuleList { get; }
    ulong PsActiveProcessHead { get; }
    ulong KdDebuggerDataBlock { get; }
    ulong DirectoryTableBase { get; }
    /// <summary>The decoded _KDDEBUGGER_DATA64 copy, when the dump holds one.</summary>
    ReadOnlyMemory<byte>? KdDebuggerData { get; }
    /// <summary>Physical memory; reads report missing pages.</summary>
    IVirtualMemory PhysicalMemory { get; }
    /// <summary>The processor that bugchecked.</summary>
    uint CurrentProcessor { get; }
    /// <summary>The current IRQL from the PRCB copy, when the dump holds one.</summary>
    byte? CurrentIrql { get; }
}

/// <summary>User dumps: handles, memory regions, comments, misc info.</summary>
public interface IUserTarget : ITarget
{
    uint ProcessId { get; }
    IReadOnlyList<MemoryRegionInfo> MemoryRegions { get; }
    IReadOnlyList<HandleInfo> Handles { get; }
    IReadOnlyList<string> Comments { get; }
}

/// <summary>MINIDUMP_MEMORY_INFO: one region as VirtualQuery described it.</summary>
public sealed record MemoryRegionInfo(ulong BaseAddress, ulong AllocationBase, uint AllocationProtect, ulong RegionSize, uint State, uint Protect, uint Type);

/// <summary>MINIDUMP_HANDLE_DESCRIPTOR(_2).</summary>
public sealed record HandleInfo(ulong Handle, string? TypeName, string? ObjectName, uint Attributes, uint GrantedAccess, uint HandleCount, uint PointerCount);
