using Ntdbg.Stacks.Unwind.X86;
using Ntdbg.Targets.Model;

namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// Walks a stack from a register context, up to a frame limit: x64 with <see cref="X64Walk"/>
/// (.pdata, epilogs, then frame pointer and scanning where a module's unwind data is missing), x86
/// with <see cref="X86Unwinder"/> (frame records, CFI, EBP chain, scanning). Each frame says how
/// its caller was found. The walk stops at a zero return address, at the limit, when the stack
/// pointer fails to move up, or with the reason nothing more can be found.
/// </summary>
public sealed class StackWalker(UnwindEnvironment env)
{
    public const int MaxFrames = 4096;

    /// <summary>The frames, and why the walk stopped early (null when it reached the end: a zero return address, or the limit).</summary>
    public (IReadOnlyList<StackFrame> Frames, string? Stopped) Walk(RegisterContext context, int maxFrames)
    {
        int limit = Math.Clamp(maxFrames, 1, MaxFrames);
        return context.Machine switch
        {
            Machine.X64 => new X64Walk(env).Walk(context, limit),
            Machine.X86 => WalkX86(context, limit),
            _ => ([], $"{context.Machine} stacks are not walked yet"),
        };
    }

    private (IReadOnlyList<StackFrame>, string?) WalkX86(RegisterContext context, int limit)
    {
        var unwinder = new X86Unwinder(env);
        var regs = new Dictionary<string, uint>();
        foreach (string r in X86Unwinder.Registers) regs[r] = (uint)(context.Get(r[1..]) ?? 0);
        var frames = new List<StackFrame>();
        var source = FrameSource.Context;
        IReadOnlyDictionary<string, ulong> trusted = context.Registers.ToDictionary(r => r.Name, r => r.Value, StringComparer.OrdinalIgnoreCase);
        uint calleeParams = 0;
        for (int n = 0; n < limit && regs["$eip"] != 0; n++)
        {
            uint eip = regs["$eip"], esp = regs["$esp"], ebp = regs["$ebp"];
            if (!unwinder.Unwind(regs, calleeParams, out var step, out string? problem))
            {
                frames.Add(new StackFrame(n, eip, esp, 0, source) { FramePointer = ebp, Registers = trusted });
                return (frames, problem);
            }
            // WinDbg's ChildEBP: the frame's EBP.
            uint childEbp = ebp;
            frames.Add(new StackFrame(n, eip, esp, step.Caller["$eip"], source) { FramePointer = childEbp, Registers = trusted, FrameInfo = step.Info, VirtualFrame = step.VirtualFrame });
            calleeParams = step.Info?.ParamsSize ?? 0;
            source = step.Source;
            trusted = Trusted(step);
            if (step.Caller["$esp"] <= esp)
                return (frames, $"stack pointer did not move up at frame {n:x2} ({esp:x8}): stopping");
            regs = step.Caller;
        }
        return (frames, null);
    }

    private static Dictionary<string, ulong> Trusted(UnwindStep step)
    {
        var t = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase)
        {
            ["eip"] = step.Caller["$eip"],
            ["esp"] = step.Caller["$esp"],
        };
        if (step.Source != FrameSource.Scan)
            foreach (string r in new[] { "$ebp", "$ebx", "$esi", "$edi" })
                t[r[1..]] = step.Caller[r];
        return t;
    }
}
