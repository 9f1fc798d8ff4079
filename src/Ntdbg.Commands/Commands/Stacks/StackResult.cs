using Ntdbg.Stacks.Unwind;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>One `k` line: the frame, its call site named by the symbols, the stack slots `kb` shows, and `kv`'s annotation.</summary>
public sealed record StackLine(StackFrame Frame, string CallSite, IReadOnlyList<ulong?>? Arguments, string? Annotation = null);

public sealed record StackResult(int PointerSize, bool Numbered, bool WithArguments, IReadOnlyList<StackLine> Lines, string? Stopped);
