using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Registers;

/// <summary>r [Reg[, Reg...]] | r $tN = Expression: show registers of the current context, or set a pseudo-register.</summary>
[Command("r", Summary = "Show registers of the current thread or context; set $t0-$t19", Usage = "r [Register[, Register ...]] | r $tN = Expression")]
public sealed class RegistersCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        string text = context.Arguments.Trim();
        int eq = text.IndexOf('=');
        if (eq > 0)
        {
            string name = text[..eq].Trim();
            ulong value = s.CreateEvaluator().Evaluate(text[(eq + 1)..]);
            if (!name.TrimStart('@').StartsWith('$'))
                throw new CommandException($"r: registers of a dump are read-only; set a pseudo-register ($t0-$t19) instead of '{name}'");
            s.SetPseudoRegister(name, value);
            return null;
        }
        var ctx = s.CurrentContext ?? throw new CommandException("r: no register context for the current thread");
        if (text.Length == 0) return Full(s, ctx, null);
        var regs = new List<Register>();
        foreach (var part in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            string n = part.TrimStart('@');
            if (n.StartsWith('$'))
            {
                if (!s.TryGetPseudoRegister(n[1..], out ulong pv)) throw new CommandException($"Bad register error at '{part}'");
                regs.Add(new Register(n, pv, s.PointerSize * 8));
                continue;
            }
            if (!ctx.TryGet(n, out ulong v))
            {
                // .frame /c and .trap keep only the registers they know: say so rather than "bad register".
                if (s.CurrentThread?.Context?.TryGet(n, out _) == true)
                    throw new CommandException($"r: {n} is unknown in this context (the frame or trap frame it came from does not hold it)");
                throw new CommandException($"Bad register error at '{part}'");
            }
            var known = ctx.Registers.FirstOrDefault(r => r.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
            regs.Add(new Register(n.ToLowerInvariant(), v, known.Bits > 0 ? known.Bits : s.PointerSize * 8));
        }
        return new RegistersResult(ctx.Machine, regs, false, null, null);
    }

    /// <summary>The full register display, with the instruction pointer's module+offset line.</summary>
    public static RegistersResult Full(DebugSession s, RegisterContext ctx, string? note) =>
        new(ctx.Machine, ctx.Registers, true, s.DescribeAddress(ctx.InstructionPointer), note) { Instruction = InstructionAt(s, ctx) };

    // WinDbg's line under the registers: the instruction about to run (or that faulted).
    private static string? InstructionAt(DebugSession s, RegisterContext ctx)
    {
        if (ctx.Machine is not (Machine.X86 or Machine.X64) || !ctx.TryGet(ctx.InstructionPointerName, out ulong ip)) return null;
        var i = new Ntdbg.Stacks.Disassembly.X86Disassembler(s.Memory, s.PointerSize, s.DescribeAddress).DecodeOne(ip, out _);
        return i?.Line(s.PointerSize);
    }
}
