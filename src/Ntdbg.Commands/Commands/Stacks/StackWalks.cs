using Ntdbg.Commands.Session;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>The session's stack walker (<see cref="Analyses.Stacks.TargetStacks"/>), for the commands that show frames.</summary>
public static class StackWalks
{
    public static (IReadOnlyList<StackFrame> Frames, string? Stopped) Walk(DebugSession s, RegisterContext context, int count) =>
        s.Stacks.Walk(context, count);
}
