using Ntdbg.Core.Memory;
using Ntdbg.Targets.Model;

namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// One x64 walk: each frame is unwound with <see cref="X64Unwinder"/>; where a module's unwind
/// data is missing (its image is neither in the dump nor on the symbol path) the RBP chain is
/// tried when it leads to a plausible return address, then the stack is scanned upward for the
/// next value that looks like one. Such frames are marked and can be wrong.
/// </summary>
internal sealed class X64Walk(UnwindEnvironment env)
{
    private const ulong MaxScanBytes = 0x4000;
    private const ulong MaxFrameDistance = 0x100000;
    private static readonly int[] NonVolatile = [3, 5, 6, 7, 12, 13, 14, 15]; // rbx rbp rsi rdi r12-r15

    public (IReadOnlyList<StackFrame>, string?) Walk(RegisterContext context, int limit)
    {
        var regs = new ulong[16];
        for (int i = 0; i < 16; i++) regs[i] = context.Get(X64Unwinder.RegisterNames[i]) ?? 0;
        ulong rip = context.InstructionPointer;
        var unwinder = new X64Unwinder(env.Memory, env.ModuleBaseOf);
        var frames = new List<StackFrame>();
        var source = FrameSource.Context;
        IReadOnlyDictionary<string, ulong> trusted = context.Registers.ToDictionary(r => r.Name, r => r.Value, StringComparer.OrdinalIgnoreCase);
        string? stopped = null;
        for (int n = 0; n < limit && rip != 0; n++)
        {
            ulong sp = regs[4], ip = rip, fp = regs[5];
            if (!unwinder.Unwind(regs, ref rip, out var how, out stopped))
            {
                if (TryFramePointer(sp, fp, out ulong ret, out ulong callerSp, out ulong callerFp))
                {
                    how = FrameSource.FramePointer;
                    rip = ret;
                    regs[4] = callerSp;
                    regs[5] = callerFp;
                }
                else if (TryScan(sp, out ulong slot, out ulong found))
                {
                    how = FrameSource.Scan;
                    rip = found;
                    regs[4] = slot + 8;
                }
                else
                {
                    frames.Add(new StackFrame(n, ip, sp, 0, source) { FramePointer = fp, Registers = trusted });
                    break;
                }
                stopped = null;
            }
            frames.Add(new StackFrame(n, ip, sp, rip, source) { FramePointer = fp, Registers = trusted });
            source = how;
            trusted = Trusted(regs, rip, how);
            // A caller's stack pointer must move up; otherwise the walk would loop.
            if (regs[4] <= sp && how != FrameSource.MachineFrame)
            {
                stopped = $"stack pointer did not move up at frame {n:x2} ({Hex.Address(sp)}): stopping";
                break;
            }
        }
        return (frames, stopped);
    }

    private static Dictionary<string, ulong> Trusted(ulong[] regs, ulong rip, FrameSource how)
    {
        var t = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase) { ["rip"] = rip, ["rsp"] = regs[4] };
        if (how is not (FrameSource.Scan or FrameSource.FramePointer))
            foreach (int i in NonVolatile) t[X64Unwinder.RegisterNames[i]] = regs[i];
        return t;
    }

    // rbp as a frame pointer: [rbp] the caller's rbp, [rbp+8] the return address. Believed only
    // when rbp lies a little above rsp and the return address looks like one.
    private bool TryFramePointer(ulong sp, ulong fp, out ulong ret, out ulong callerSp, out ulong callerFp)
    {
        ret = callerSp = callerFp = 0;
        if (env.LooksLikeReturnAddress is not { } plausible || fp < sp || fp - sp > MaxFrameDistance || (fp & 7) != 0) return false;
        if (!env.Memory.TryReadUInt64(fp, out callerFp, out _) || !env.Memory.TryReadUInt64(fp + 8, out ret, out _)) return false;
        if (ret == 0 || env.ModuleBaseOf(ret) == null || !plausible(ret)) return false;
        callerSp = fp + 16;
        return true;
    }

    // The first slot above sp holding a plausible return address.
    private bool TryScan(ulong sp, out ulong slot, out ulong value)
    {
        value = 0;
        if (env.LooksLikeReturnAddress is { } plausible)
            for (slot = sp; slot < sp + MaxScanBytes; slot += 8)
            {
                if (!env.Memory.TryReadUInt64(slot, out value, out _)) break;
                if (value != 0 && env.ModuleBaseOf(value) != null && plausible(value)) return true;
            }
        slot = value = 0;
        return false;
    }
}
