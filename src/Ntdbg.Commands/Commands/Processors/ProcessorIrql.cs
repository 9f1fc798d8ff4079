using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Processors;

/// <summary>`!irql N`: the IRQL the debugger saved in processor N's _KPRCB (DebuggerSavedIRQL).</summary>
public static class ProcessorIrql
{
    public static IrqlResult Read(DebugSession s, uint processor)
    {
        var blocks = ProcessorBlocks.Of(s, "!irql");
        ulong prcb = blocks.Prcb(processor, "!irql");
        var notes = new List<string>();
        ulong irql = new KernelFields(s, notes).Read(blocks.Type("_KPRCB", "!irql"), prcb, "DebuggerSavedIRQL")
            ?? throw new CommandException($"!irql: {notes.LastOrDefault() ?? "processor " + processor + "'s DebuggerSavedIRQL is unreadable"}");
        return new IrqlResult(processor, (byte)irql, IrqlCommand.Name((byte)irql, s.PointerSize == 8));
    }
}
