using Ntdbg.Stacks.Unwind;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>One `k` line: the frame, its call site named by the symbols, and the four stack slots `kb` shows.</summary>
public sealed record StackLine(StackFrame Frame, string CallSite, IReadOnlyList<ulong?>? Arguments);

public sealed record StackResult(int PointerSize, bool Numbered, bool WithArguments, IReadOnlyList<StackLine> Lines, string? Stopped);
