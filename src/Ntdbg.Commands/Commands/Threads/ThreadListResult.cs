namespace Ntdbg.Commands.Commands.Threads;

public sealed record ThreadRow(int Index, uint ProcessId, uint ThreadId, uint SuspendCount, ulong Teb, string? Name,
    bool IsCurrent, bool IsExceptionThread, ulong ThreadObject, ulong ProcessObject);

/// <summary>`~`: the dump's threads. Kernel dumps list the thread that was running on the bugcheck processor.</summary>
public sealed record ThreadListResult(bool IsKernel, int PointerSize, IReadOnlyList<ThreadRow> Threads);
