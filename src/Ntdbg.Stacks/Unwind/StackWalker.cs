using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;

namespace Ntdbg.Stacks.Unwind;

/// <summary>Walks an x64 stack from a register context with <see cref="X64Unwinder"/>, up to a frame limit.</summary>
public sealed class StackWalker(IVirtualMemory memory, Func<ulong, ulong?> moduleBaseOf)
{
    public const int MaxFrames = 4096;

    /// <summary>The frames, and why the walk stopped early (null when it reached the end: a zero return address, or the limit).</summary>
    public (IReadOnlyList<StackFrame> Frames, string? Stopped) Walk(RegisterContext context, int maxFrames)
    {
        var regs = new ulong[16];
        for (int i = 0; i < 16; i++) regs[i] = context.Get(X64Unwinder.RegisterNames[i]) ?? 0;
        ulong rip = context.InstructionPointer;
        var unwinder = new X64Unwinder(memory, moduleBaseOf);
        var frames = new List<StackFrame>();
        var source = FrameSource.Context;
        string? stopped = null;
        for (int n = 0; n < Math.Min(maxFrames, MaxFrames) && rip != 0; n++)
        {
            ulong sp = regs[4], ip = rip;
            if (!unwinder.Unwind(regs, ref rip, out var how, out stopped))
            {
                frames.Add(new StackFrame(n, ip, sp, 0, source));
                break;
            }
            frames.Add(new StackFrame(n, ip, sp, rip, source));
            source = how;
            // A caller's stack pointer must move up; otherwise the walk would loop.
            if (regs[4] <= sp && how != FrameSource.MachineFrame)
            {
                stopped = $"stack pointer did not move up at frame {n} ({Hex.Address(sp)}): stopping";
                break;
            }
        }
        return (frames, stopped);
    }
}
