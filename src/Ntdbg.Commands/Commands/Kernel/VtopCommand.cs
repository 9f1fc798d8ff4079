using Ntdbg.Commands.Engine;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Kernel;

/// <summary>The result of `!vtop`, with how the first argument was understood.</summary>
public sealed record VtopResult(ulong Argument, string ArgumentMeaning, PageWalk Walk);

/// <summary>
/// !vtop DirBase VirtualAddress: translates through the page tables at DirBase (a physical
/// address or its page frame number; 0 = the dump's own directory table base).
/// </summary>
[Command("!vtop", Summary = "Translate a virtual address through the page tables at a directory base", Usage = "!vtop DirBase|PFN|0 VirtualAddress", Scope = CommandScope.Kernel)]
public sealed class VtopCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var (target, space) = PageTables.Require(context.Session, "!vtop");
        if (context.Args.AtEnd) throw new CommandException("!vtop: usage: !vtop DirBase|PFN|0 VirtualAddress");
        ulong argument = context.Args.ReadExpression();
        if (context.Args.AtEnd) throw new CommandException("!vtop: usage: !vtop DirBase|PFN|0 VirtualAddress");
        ulong va = context.Args.ReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($"!vtop: unexpected '{context.Args.Rest}'");
        var (directoryBase, meaning) = Interpret(argument, space);
        var walkSpace = argument == 0 ? space : space.WithDirectoryTableBase(directoryBase);
        // The self-map is per address space, but the kernel half is shared: the current one applies.
        var selfMap = PageTables.ResolveSelfMap(context.Session, target, space);
        return new VtopResult(argument, meaning, PageWalker.Walk(walkSpace, va, selfMap));
    }

    /// <summary>
    /// WinDbg takes a PFN or, when the number is too large to be one, a directory base. Here a value
    /// whose page the dump holds is taken as a physical address first, then as a PFN the dump holds;
    /// otherwise a page-aligned value is an address and anything else a PFN.
    /// </summary>
    private static (ulong DirectoryBase, string Meaning) Interpret(ulong argument, PageTableAddressSpace space)
    {
        if (argument == 0) return (space.DirectoryTableBase, "0: the dump's directory table base");
        bool Holds(ulong pfn) => space.Physical.Pages.TryGetFileOffset(pfn, out _);
        ulong asAddress = argument & space.Mode.TableBaseMask;
        bool pfnFits = argument <= space.Mode.FrameMask >> 12;
        if (Holds(asAddress >> 12)) return (argument, "a physical address (the dump holds that page)");
        if (pfnFits && Holds(argument)) return (argument << 12, "a page frame number (the dump holds that frame)");
        if ((argument & 0xFFF) == 0 || !pfnFits) return (argument, "a physical address (page-aligned; the dump does not hold that page)");
        return (argument << 12, "a page frame number (not page-aligned; the dump does not hold that frame)");
    }
}
