using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Kernel;

/// <summary>
/// .trap Address: use the _KTRAP_FRAME at Address as the current register context, as .cxr does
/// with a CONTEXT record (r, k and dps @rsp then start at the interrupted code); .trap alone
/// goes back to the thread's own context. The layout comes from the kernel's symbols.
/// </summary>
[Command(".trap", Summary = "Use a trap frame (nt!_KTRAP_FRAME) as the register context; alone, reset it", Usage = ".trap [Address]", Scope = CommandScope.Kernel)]
public sealed class TrapCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (context.Args.AtEnd)
        {
            s.ContextOverride = null;
            return new Basic.TextResult("Resetting default scope");
        }
        ulong at = context.Args.ReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($".trap: unexpected '{context.Args.Rest}'");
        var found = s.SymbolTable.FindType("nt!_KTRAP_FRAME") ?? s.SymbolTable.FindType("_KTRAP_FRAME");
        if (found?.Type is not UdtType type)
            throw new CommandException(".trap: needs the type nt!_KTRAP_FRAME from the kernel's symbols (an ISF table or ntkrnlmp.pdb on the symbol path)");
        var (ctx, note) = Analyses.Analyze.TrapFrameDecoder.Decode(s.Memory, s.Target.Machine, type, at, out string? problem)
            ?? throw new CommandException($".trap: {problem}");
        s.ContextOverride = ctx;
        return RegistersCommand.Full(s, ctx, note);
    }
}
