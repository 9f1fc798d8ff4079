using Ntdbg.Commands.Engine;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Kernel;

/// <summary>The result of `!pte`: the walk of the current address space for one address.</summary>
public sealed record PteResult(PageWalk Walk);

/// <summary>
/// !pte VirtualAddress: each paging-structure entry that maps the address, with its self-map
/// address, raw value, frame and flags, and why a walk that stops early stopped.
/// </summary>
[Command("!pte", Summary = "Show the page-table entries that map a virtual address and where translation stops", Usage = "!pte VirtualAddress", Scope = CommandScope.Kernel)]
public sealed class PteCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var (target, space) = PageTables.Require(context.Session, "!pte");
        if (context.Args.AtEnd) throw new CommandException("!pte: usage: !pte VirtualAddress");
        ulong va = context.Args.ReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($"!pte: unexpected '{context.Args.Rest}' (ranges and literal PTE addresses are not supported)");
        var selfMap = PageTables.ResolveSelfMap(context.Session, target, space);
        // A user address is walked in the implicit process's tables (.process); the self-map slot is the same in every process.
        return new PteResult(PageWalker.Walk(context.Session.ProcessMemory.SpaceFor(va) ?? space, va, selfMap));
    }
}
