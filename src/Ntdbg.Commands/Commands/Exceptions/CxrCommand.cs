using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;
using Ntdbg.Targets.Contexts;

namespace Ntdbg.Commands.Commands.Exceptions;

/// <summary>
/// .cxr Address: use the CONTEXT record at Address as the current register context (for r, dps @rsp,
/// and stacks later); .cxr alone goes back to the thread's own context.
/// </summary>
[Command(".cxr", Summary = "Use a CONTEXT record in memory as the register context; alone, reset it", Usage = ".cxr [Address]")]
public sealed class CxrCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (context.Args.AtEnd)
        {
            s.ContextOverride = null;
            return new TextResult("Resetting default scope");
        }
        ulong at = context.Args.ReadExpression();
        var machine = s.Target.Machine;
        if (machine is not (Machine.X86 or Machine.X64 or Machine.Arm64))
            throw new CommandException($".cxr: no CONTEXT layout for {machine.DisplayName()}");
        int size = ContextDecoder.FullSize(machine);
        // Only the integer part is needed; the FP/vector tail may lie on a missing page.
        var buf = new byte[size];
        int n = s.Memory.Read(at, buf, out var fault);
        if (n < ContextDecoder.MinimumSize(machine))
            throw new CommandException($".cxr: cannot read the context record at {Hex.Pointer(at, s.PointerSize)}: {fault?.Detail ?? "unreadable"}");
        var ctx = ContextDecoder.Decode(machine, buf.AsSpan(0, n), out string? problem)
            ?? throw new CommandException($".cxr: {Hex.Pointer(at, s.PointerSize)} does not hold a context record: {problem}");
        s.ContextOverride = ctx;
        return RegistersCommand.Full(s, ctx, null);
    }
}
