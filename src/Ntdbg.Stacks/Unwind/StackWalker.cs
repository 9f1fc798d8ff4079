using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;

namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// Walks an x64 stack from a register context with <see cref="X64Unwinder"/>, up to a frame limit.
/// Where no unwind data exists (a module whose image is missing), and when a validator is given,
/// the stack is scanned upward for the next value that looks like a return address (the
/// validator says so, e.g. "inside a known function, not at its start"); such frames are marked
/// <see cref="FrameSource.Scan"/> and can be wrong.
/// </summary>
public sealed class StackWalker(IVirtualMemory memory, Func<ulong, ulong?> moduleBaseOf, Func<ulong, bool>? looksLikeReturnAddress = null)
{
    public const int MaxFrames = 4096;
    private const ulong MaxScanBytes = 0x4000;

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
                if (looksLikeReturnAddress != null && Scan(sp, out ulong slot, out ulong found))
                {
                    frames.Add(new StackFrame(n, ip, sp, found, source));
                    rip = found;
                    regs[4] = slot + 8;
                    source = FrameSource.Scan;
                    stopped = null;
                    continue;
                }
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

    // The first slot above sp holding a plausible return address.
    private bool Scan(ulong sp, out ulong slot, out ulong value)
    {
        for (slot = sp; slot < sp + MaxScanBytes; slot += 8)
        {
            if (!memory.TryReadUInt64(slot, out value, out _)) break;
            if (value != 0 && moduleBaseOf(value) != null && looksLikeReturnAddress!(value)) return true;
        }
        slot = value = 0;
        return false;
    }
}
