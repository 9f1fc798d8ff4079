using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Memory;

/// <summary>
/// !vm [flags]: the kernel's virtual memory counters (physical memory, page files, pools,
/// commit). Flag bit 0 omits the per-process list; that list is not produced yet, so every
/// flag value prints the system counters.
/// </summary>
[Command("!vm", Summary = "Kernel virtual memory usage counters", Usage = "!vm [Flags]", Scope = CommandScope.Kernel)]
public sealed class VmCommand : ICommand
{
    public const string PerProcessMissing = "The per-process list (!vm without flag 1) needs the kernel process/thread model: only the system counters are shown";

    public object? Execute(CommandContext context)
    {
        ulong flags = context.Args.TryReadExpression() ?? 0;
        var result = new VmCounterReader(context.Session).Read();
        return (flags & 1) == 0 ? result with { Notes = [.. result.Notes, PerProcessMissing] } : result;
    }
}
