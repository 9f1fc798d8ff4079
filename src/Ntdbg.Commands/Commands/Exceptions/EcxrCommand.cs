using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Exceptions;

/// <summary>.ecxr: make the exception's context record the current context (for r, k, dps @rsp ...).</summary>
[Command(".ecxr", Summary = "Switch to the exception's context record", Usage = ".ecxr", Scope = CommandScope.User | CommandScope.Kernel)]
public sealed class EcxrCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var ex = s.Target.Exception ?? throw new CommandException("Unable to get exception context: the dump has no exception record");
        var ctx = ex.Context ?? throw new CommandException("Unable to get exception context: the exception record has no context");
        int idx = s.Target.Threads.ToList().FindIndex(t => t.ThreadId == ex.ThreadId);
        if (idx >= 0) s.CurrentThreadIndex = idx;
        s.ContextOverride = ctx;
        return RegistersCommand.Full(s, ctx, null);
    }
}
