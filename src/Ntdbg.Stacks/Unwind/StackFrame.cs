namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// One frame of a walked stack: its instruction pointer, its stack pointer (WinDbg's Child-SP),
/// the return address the unwind found (RetAddr; 0 at the end) and how that was found.
/// </summary>
public sealed record StackFrame(int Number, ulong InstructionPointer, ulong StackPointer, ulong ReturnAddress, FrameSource Source);
