using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;
using Ntdbg.Stacks.Unwind;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// .frame [/c] [/r] [FrameNumber]: show the selected frame of the current context's stack as its
/// `kn` line, or select frame N (remembered until the thread or context changes). /r adds the
/// frame's registers, /c makes them the current context (so `r` and `k` start there). Only the
/// registers the walk trusts at that frame are known — the instruction and stack pointers and the
/// non-volatile registers the unwind restored — the others print as '?' rather than as values
/// that belong to another frame.
/// </summary>
[Command(".frame", Summary = "Show or select a stack frame; /r its registers, /c make them the context", Usage = ".frame [/c] [/r] [FrameNumber]")]
public sealed class FrameCommand : ICommand
{
    public const string UnknownNote = "Registers the unwind did not restore at this frame are unknown and shown as '?' (only the instruction and stack pointers and restored non-volatile registers are known past frame 0)";

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var args = context.Args;
        bool registers = false, makeCurrent = false;
        while (args.TryOption("/") is { } letters)
            foreach (char c in letters)
            {
                if (c is 'r' or 'R') registers = true;
                else if (c is 'c' or 'C') makeCurrent = true;
                else throw new CommandException($".frame: unknown option /{c}");
            }
        ulong? number = args.TryReadExpression();
        if (!args.AtEnd) throw new CommandException($".frame: unexpected '{args.Rest}'");
        var current = s.CurrentContext ?? throw new CommandException(".frame: the current thread has no register context");
        int wanted = number is ulong n ? (int)Math.Min(n, StackWalker.MaxFrames) : s.SelectedFrame;
        var (frames, _) = s.Stacks.Walk(current, wanted + 1);
        if (wanted >= frames.Count)
            throw new CommandException($"Cannot find frame 0x{wanted:x}, previous scope unchanged (the stack has {frames.Count} frame(s))");
        var frame = frames[wanted];
        var line = new StackLine(frame, StackCommand.CallSite(s, frame, StackOptions.Kn), null);
        RegistersResult? shown = null;
        if (registers || makeCurrent)
        {
            var frameContext = FrameContext(current, frame);
            string? note = frameContext.Registers.Count < current.Registers.Count ? UnknownNote : null;
            shown = RegistersCommand.Full(s, frameContext, note);
            // The frame becomes the context; its stack starts at frame 0 from now on.
            if (makeCurrent) s.ContextOverride = frameContext;
        }
        if (!makeCurrent) s.SelectedFrame = wanted;
        return new FrameResult(s.PointerSize, line, shown);
    }

    /// <summary>The context's registers that the frame trusts, with the frame's values, in the context's order.</summary>
    public static Targets.Model.RegisterContext FrameContext(Targets.Model.RegisterContext current, StackFrame frame) =>
        new(current.Machine, current.Registers
            .Where(r => frame.Registers.ContainsKey(r.Name))
            .Select(r => r with { Value = frame.Registers[r.Name] }));
}
