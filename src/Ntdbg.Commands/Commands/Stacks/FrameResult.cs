using Ntdbg.Commands.Commands.Registers;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>`.frame`: the frame's `kn` line, and its registers for /r and /c.</summary>
public sealed record FrameResult(int PointerSize, StackLine Line, RegistersResult? Registers);
