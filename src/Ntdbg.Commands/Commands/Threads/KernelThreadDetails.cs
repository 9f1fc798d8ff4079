using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>Builds `!thread`'s result for one kernel thread: its fields and, when the flags ask, its stack.</summary>
public static class KernelThreadDetails
{
    public const ulong WaitDetails = 0x2, WithStack = 0x4;
    private const int StackFrames = 256;

    public static KernelThreadResult Build(DebugSession s, ulong ethread, ulong flags, int indent, ulong currentThread)
    {
        var thread = KernelThreadReader.Read(s, ethread);
        StackResult? stack = null;
        string? why = null;
        if ((flags & (WaitDetails | WithStack)) == (WaitDetails | WithStack))
        {
            var ctx = KernelThreadContext.Of(s, thread, currentThread, out why);
            if (ctx != null) stack = Walk(s, ctx);
        }
        return new KernelThreadResult(s.PointerSize, flags, indent, thread, stack, why);
    }

    /// <summary>The thread's stack as `k` lists it.</summary>
    public static StackResult Walk(DebugSession s, Targets.Model.RegisterContext ctx)
    {
        var (frames, stopped) = s.Stacks.Walk(ctx, StackFrames);
        var lines = frames.Select(f => new StackLine(f, StackCommand.CallSite(s, f, StackOptions.Kn), null)).ToList();
        return new StackResult(s.PointerSize, false, false, lines, stopped);
    }
}
