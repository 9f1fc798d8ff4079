using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;
using Ntdbg.Targets;
using Ntdbg.Targets.Contexts;

namespace Ntdbg.Commands.Commands.Processors;

/// <summary>
/// "~Ns" in a kernel dump selects processor N, as WinDbg's kernel debugger does: the prompt
/// becomes "N: kd>" and the registers are the context processor N's PRCB saved
/// (_KPRCB.ProcessorState.ContextFrame); the bugcheck processor keeps the bugcheck context.
/// </summary>
public static partial class ProcessorSwitch
{
    [GeneratedRegex(@"^\s*(\d+)\s*s\s*$")]
    private static partial Regex SwitchSyntax();

    /// <summary>The registers after switching, or null when this is not a kernel "~Ns".</summary>
    public static object? TrySwitch(CommandContext context, string arguments)
    {
        var s = context.Session;
        var m = SwitchSyntax().Match(arguments);
        if (!s.IsKernel || !m.Success) return null;
        if (!uint.TryParse(m.Groups[1].Value, out uint n)) throw new CommandException($"~{arguments}: not a processor number");
        var blocks = ProcessorBlocks.Of(s, "~s");
        ulong prcb = blocks.Prcb(n, "~s");
        uint bugcheck = (s.Target as IKernelTarget)?.CurrentProcessor ?? 0;
        if (n == bugcheck)
        {
            s.SelectedProcessor = null;
            s.ContextOverride = null;
            var own = s.CurrentContext ?? throw new CommandException($"~{n}s: the dump holds no context for processor {n}");
            return RegistersCommand.Full(s, own, null);
        }
        var type = blocks.Type("_KPRCB", "~s");
        ulong offset = KernelFields.OffsetOf(type, "ProcessorState.ContextFrame") ?? throw new CommandException("~s: nt!_KPRCB has no ProcessorState.ContextFrame");
        var bytes = new byte[ContextDecoder.FullSize(s.Target.Machine)];
        if (s.Memory.Read(prcb + offset, bytes, out var fault) < bytes.Length)
            throw new CommandException($"~{n}s: processor {n}'s saved context is not in the dump: {fault?.Detail}");
        var ctx = ContextDecoder.Decode(s.Target.Machine, bytes, out string? problem);
        if (ctx == null || ctx.InstructionPointer == 0)
            throw new CommandException($"~{n}s: processor {n}'s PRCB holds no saved context{(problem != null ? ": " + problem : "")}");
        s.SelectedProcessor = n;
        s.ContextOverride = ctx;
        return RegistersCommand.Full(s, ctx, null);
    }
}
