using Ntdbg.Commands.Commands.Stacks;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>A thread's stack as `kn` shows it, or why it has none.</summary>
public sealed record ThreadStack(uint ThreadId, int Index, string? Name, StackResult? Stack, string? Missing);
