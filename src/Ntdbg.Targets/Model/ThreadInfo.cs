namespace Ntdbg.Targets.Model;

/// <summary>A thread in the dump. Kernel triage dumps hold only the crashing thread.</summary>
public sealed record ThreadInfo(
    int Index,
    uint ThreadId,
    ulong Teb,
    RegisterContext? Context,
    ulong StackStart = 0,
    ulong StackSize = 0,
    uint SuspendCount = 0,
    uint PriorityClass = 0,
    uint Priority = 0,
    string? Name = null,
    /// <summary>Kernel: the _KTHREAD address, when known.</summary>
    ulong ThreadObject = 0,
    /// <summary>Kernel: the _EPROCESS address, when known.</summary>
    ulong ProcessObject = 0,
    /// <summary>From MINIDUMP_THREAD_INFO when present.</summary>
    ThreadTimes? Times = null);

public sealed record ThreadTimes(ulong StartAddress, ulong Affinity, ulong CreateTime, ulong ExitTime, ulong KernelTime, ulong UserTime, uint ExitStatus, uint DumpFlags, uint DumpError);
