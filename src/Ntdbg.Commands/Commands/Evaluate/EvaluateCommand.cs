using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Evaluate;

/// <summary>`? expr` evaluates a MASM expression; `?` alone lists the commands.</summary>
[Command("?", Summary = "Evaluate an expression; alone, list the commands", Usage = "? Expression")]
public sealed class EvaluateCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        if (context.Args.AtEnd) return HelpCommand.Build(context.Executor.Registry, "");
        ulong v = context.Args.ReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($"Syntax error at '{context.Args.Rest}'");
        return new EvaluateResult(v, context.Session.PointerSize);
    }
}

public sealed record EvaluateResult(ulong Value, int PointerSize);

public sealed class EvaluateResultText : Rendering.Text.TextRenderer<EvaluateResult>
{
    protected override void Render(EvaluateResult r, TextWriter output)
    {
        // WinDbg prints the signed decimal value; 32-bit targets see 32-bit values.
        if (r.PointerSize == 4 && r.Value <= 0xffffffff)
            output.WriteLine($"Evaluate expression: {(int)(uint)r.Value} = {r.Value:x8}");
        else
            output.WriteLine($"Evaluate expression: {(long)r.Value} = {Core.Memory.Hex.Address(r.Value)}");
    }
}
