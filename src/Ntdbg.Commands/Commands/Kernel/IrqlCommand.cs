using Ntdbg.Commands.Engine;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.Kernel;

public sealed record IrqlResult(uint Processor, byte Irql, string Name);

/// <summary>!irql: the IRQL the debugger saved for the bugcheck processor (from the dump's PRCB copy).</summary>
[Command("!irql", Summary = "Show the saved IRQL of the current processor", Usage = "!irql [Processor]", Scope = CommandScope.Kernel)]
public sealed class IrqlCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var k = (IKernelTarget)context.Session.Target;
        // Another processor (by argument or ~Ns): its PRCB's DebuggerSavedIRQL, read with the kernel's types.
        ulong? argument = context.Args.TryReadExpression();
        if (argument > uint.MaxValue) throw new CommandException($"!irql: processor {argument:x} does not exist");
        uint? asked = argument is ulong n ? (uint)n : context.Session.SelectedProcessor;
        if (asked is uint other && other != k.CurrentProcessor) return Processors.ProcessorIrql.Read(context.Session, other);
        byte irql = k.CurrentIrql ?? throw new CommandException("!irql: this dump holds no PRCB data for the current processor, so the IRQL is unknown");
        return new IrqlResult(k.CurrentProcessor, irql, Name(irql, context.Session.PointerSize == 8));
    }

    public static string Name(byte irql, bool x64) => irql switch
    {
        0 => "LOW_LEVEL",
        1 => "APC_LEVEL",
        2 => "DISPATCH_LEVEL",
        _ when x64 => irql switch
        {
            12 => "SYNCH_LEVEL",
            13 => "CLOCK_LEVEL",
            14 => "IPI_LEVEL",
            15 => "HIGH_LEVEL",
            _ => "DEVICE_LEVEL",
        },
        _ => irql switch
        {
            27 => "PROFILE_LEVEL",
            28 => "CLOCK2_LEVEL",
            29 => "IPI_LEVEL",
            30 => "POWER_LEVEL",
            31 => "HIGH_LEVEL",
            _ => "DEVICE_LEVEL",
        },
    };
}

public sealed class IrqlText : Rendering.Text.TextRenderer<IrqlResult>
{
    protected override void Render(IrqlResult r, TextWriter o) =>
        o.WriteLine($"Debugger saved IRQL for processor 0x{r.Processor:x} -- {r.Irql} ({r.Name})");
}
