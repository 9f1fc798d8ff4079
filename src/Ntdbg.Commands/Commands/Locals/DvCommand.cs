using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Commands.Engine;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Locals;

/// <summary>
/// dv [/i] [/t] [/v] [Pattern]: the parameters and locals of the selected frame (`.frame`, 0 by
/// default) in scope at its address, with their values, from the module's private symbols.
/// /t adds each type, /v where the value was read (address or @register), /i whether it is a
/// parameter or a local. A value whose register the unwind did not restore at that frame, or
/// that no location covers at that address, is "&lt;value unavailable&gt;".
/// </summary>
[Command("dv", Summary = "Display the local variables and parameters of the current frame", Usage = "dv [/i] [/t] [/v] [Pattern]")]
public sealed class DvCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        bool types = false, where = false, kinds = false;
        while (context.Args.TryOption("/") is { } letters)
            foreach (char c in letters)
            {
                if (c == 't') types = true;
                else if (c == 'v') where = true;
                else if (c == 'i') kinds = true;
                else throw new CommandException($"dv: unknown option /{c}");
            }
        string? pattern = context.Args.AtEnd ? null : context.Args.ReadWord();
        if (!context.Args.AtEnd) throw new CommandException($"dv: unexpected '{context.Args.Rest}'");
        var current = s.CurrentContext ?? throw new CommandException("dv: the current thread has no register context");
        int selected = s.SelectedFrame;
        // The frame after the selected one is walked too: x86's virtual frame can need it.
        var (frames, _) = s.Stacks.Walk(current, selected + 2);
        if (selected >= frames.Count) throw new CommandException($"dv: frame 0x{selected:x} is not on the stack");
        var list = FrameVariables.Read(s, frames, selected, parametersOnly: false)
            ?? throw new CommandException($"Unable to enumerate locals: no private symbols describe {s.DescribeAddress(frames[selected].InstructionPointer) ?? "the frame's address"}");
        var shown = pattern == null ? list.Variables : list.Variables.Where(v => SymbolWildcard.Matches(pattern, v.Name)).ToList();
        return new DvResult(list.Function, shown, types, where, kinds, s.PointerSize);
    }
}

/// <summary>dv's variables of one frame and the columns asked for.</summary>
public sealed record DvResult(string Function, IReadOnlyList<VariableValue> Variables, bool Types, bool Where, bool Kinds, int PointerSize);
