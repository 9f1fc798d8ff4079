namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// One frame of a walked stack: its instruction pointer, its stack pointer (WinDbg's Child-SP),
/// the return address the unwind found (RetAddr; 0 at the end) and how that was found.
/// </summary>
public sealed record StackFrame(int Number, ulong InstructionPointer, ulong StackPointer, ulong ReturnAddress, FrameSource Source)
{
    /// <summary>The frame pointer (x86 ChildEBP, x64 rbp) as the walk knows it for this frame.</summary>
    public ulong FramePointer { get; init; }

    /// <summary>
    /// The registers this frame's context can be trusted for: all of them at the starting
    /// context; past it, the instruction and stack pointers and the non-volatile registers the
    /// unwind restored or carried through (none but the pointers after a stack scan).
    /// </summary>
    public IReadOnlyDictionary<string, ulong> Registers { get; init; } = new Dictionary<string, ulong>();

    /// <summary>
    /// x86: the frame's $T0 as its frame-data program computed it (VFRAME, the base of locals in
    /// frames that realign the stack or omit EBP); null when no program set it.
    /// </summary>
    public ulong? VirtualFrame { get; init; }

    /// <summary>The x86 frame record that unwound this frame (for `kv`'s FPO annotations), when one did.</summary>
    public Symbols.Model.X86FrameInfo? FrameInfo { get; init; }
}
