namespace Ntdbg.Commands.Commands.Processors;

/// <summary>
/// `!pcr`: one processor's _KPCR. NtTib fields are the union's raw words (on x64 they overlay
/// GdtBase, TssBase, Self...), as WinDbg prints them. Null: the field is absent in this kernel
/// (x64 has no IRR/IDR/InterruptMode) or unreadable; Notes say which.
/// </summary>
public sealed record PcrResult(
    uint Processor, ulong Address, ushort? Major, ushort? Minor,
    ulong? ExceptionList, ulong? StackBase, ulong? StackLimit, ulong? SubSystemTib, ulong? Version, ulong? UserPointer, ulong? SelfTib,
    ulong? SelfPcr, ulong? Prcb, ulong? Irql, ulong? Irr, ulong? Idr, ulong? InterruptMode, ulong? Idt, ulong? Gdt, ulong? Tss,
    ulong? CurrentThread, ulong? NextThread, ulong? IdleThread, IReadOnlyList<string> Notes);

/// <summary>`!prcb`: one processor's _KPRCB summary (IRQL from its _KPCR, threads, number, counters).</summary>
public sealed record PrcbResult(
    uint Processor, ulong Address, ulong? Irql, ulong? CurrentThread, ulong? NextThread, ulong? IdleThread,
    ulong? Number, ulong? Group, ulong? GroupIndex, ulong? GroupSetMember,
    ulong? InterruptCount, ulong? DpcTime, ulong? InterruptTime, ulong? KernelTime, ulong? UserTime, IReadOnlyList<string> Notes);
