using Ntdbg.Stacks.Unwind;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// One `k` line: the frame, its call site named by the symbols, the stack slots `kb` shows,
/// `kv`'s annotation, and `kp`'s parameters (null when not asked for or the symbols have none;
/// the call site then already spells them).
/// </summary>
public sealed record StackLine(StackFrame Frame, string CallSite, IReadOnlyList<ulong?>? Arguments, string? Annotation = null,
    IReadOnlyList<VariableValue>? Parameters = null);

public sealed record StackResult(int PointerSize, bool Numbered, bool WithArguments, IReadOnlyList<StackLine> Lines, string? Stopped);
