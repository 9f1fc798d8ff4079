using Ntdbg.Commands.Commands.Stacks;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>A dispatcher object a waiting thread's wait block points at, described as WinDbg names it ("NotificationEvent", "Mutant - owning thread ...").</summary>
public sealed record KernelWaitObject(ulong Address, string? Kind, string Description);

/// <summary>An IRP on a thread's IrpList: its header and the device/driver its current stack location names.</summary>
public sealed record KernelIrp(ulong Address, ulong? Type, ulong? Size, ulong? Flags, ulong? Mdl, ulong? DeviceObject, ulong? DriverObject, string? DriverName);

/// <summary>
/// One kernel thread as `!thread` shows it, read from its _ETHREAD with the kernel's types. Values
/// the symbols or the dump cannot supply are null; Notes say which and why.
/// </summary>
public sealed record KernelThread(
    ulong Address,
    ulong? ProcessId,
    ulong? ThreadId,
    ulong? Teb,
    ulong? Win32Thread,
    ulong? State,
    string? StateName,
    string? WaitReason,
    ulong? WaitMode,
    bool? Alertable,
    ulong? Processor,
    IReadOnlyList<KernelWaitObject> WaitObjects,
    IReadOnlyList<KernelIrp> Irps,
    bool? Impersonating,
    ulong? OwningProcess,
    string? OwningImage,
    ulong? AttachedProcess,
    string? AttachedImage,
    ulong? WaitTime,
    ulong? TickCount,
    ulong? ContextSwitches,
    ulong? IdealProcessor,
    ulong? UserTime,
    ulong? KernelTime,
    ulong? ClockIncrement,
    ulong? StartAddress,
    ulong? Win32StartAddress,
    string? Win32StartSymbol,
    ulong? InitialStack,
    ulong? KernelStack,
    ulong? StackBase,
    ulong? StackLimit,
    long? Priority,
    long? BasePriority,
    long? PriorityDecrement,
    IReadOnlyList<string> Notes)
{
    public const ulong Waiting = 5, Running = 2, Ready = 1;
}

/// <summary>
/// `!thread` / one thread of `!process`: the thread, the !process/!thread flags it was asked with
/// (0x2 wait details, 0x4 with 0x2 the stack), its stack from its saved switch frame or the
/// processor's context, and why there is no stack when there is none.
/// </summary>
public sealed record KernelThreadResult(int PointerSize, ulong Flags, int Indent, KernelThread Thread, StackResult? Stack, string? NoStack);
