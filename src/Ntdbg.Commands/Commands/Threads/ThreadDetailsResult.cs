using Ntdbg.Commands.Commands.Stacks;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// `!thread`: a user thread (its TEB's stack bounds, client id and last error, with the stack
/// memory the dump holds) or the kernel's bugcheck thread (KTHREAD, Cid, Teb, kernel stack
/// bounds), and its stack as `kn` shows it. Values the dump does not hold are null.
/// </summary>
public sealed record ThreadDetailsResult(
    bool IsKernel,
    int PointerSize,
    int Index,
    uint ThreadId,
    uint ProcessId,
    string? Name,
    ulong ThreadObject,
    ulong ProcessObject,
    ulong? Teb,
    ulong? ClientProcess,
    ulong? ClientThread,
    ulong? StackBase,
    ulong? StackLimit,
    ulong? InitialStack,
    uint? LastErrorValue,
    ulong DumpStackStart,
    ulong DumpStackSize,
    IReadOnlyList<string> Notes,
    StackResult? Stack);
