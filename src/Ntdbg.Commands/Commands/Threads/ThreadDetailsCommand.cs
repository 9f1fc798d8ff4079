using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// !thread: the current thread in detail. User dumps: its TEB (stack base and limit from NT_TIB,
/// client id, LastErrorValue, read at their documented offsets), name and stack. Kernel dumps: the
/// bugcheck thread's KTHREAD (Cid, Teb, kernel stack bounds, read with the kernel's types) and its
/// stack for triage dumps; full and bitmap dumps show any thread (<see cref="KernelThreadCommand"/>).
/// </summary>
[Command("!thread", Summary = "The current thread: TEB or KTHREAD fields and its stack", Usage = "!thread [-1|EThreadAddress] [Flags]", Scope = CommandScope.User | CommandScope.Kernel)]
public sealed class ThreadDetailsCommand : ICommand
{
    public const string NeedsModel = "A triage dump holds only the bugcheck thread: use !thread -1 for it (a full or kernel memory dump holds every thread)";
    private const int StackFrames = 256;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        ulong? asked = context.Args.TryReadExpression();
        // -1 is WinDbg's "the current thread".
        if (asked is ulong minusOne && IsMinusOne(minusOne, s.PointerSize)) asked = null;
        ulong? flags = s.IsKernel && !context.Args.AtEnd ? context.Args.TryReadExpression() : null;
        if (!context.Args.AtEnd) throw new CommandException($"!thread: unexpected '{context.Args.Rest}'");
        // Full and bitmap dumps hold every thread's _ETHREAD: any thread, read with the kernel's types.
        if (KernelThreadContext.HasKernelObjects(s)) return KernelThreadCommand.Details(s, asked, flags);
        var thread = s.CurrentThread ?? throw new CommandException("!thread: the dump has no threads");
        if (s.IsKernel)
        {
            if (thread.ThreadObject == 0 || (asked is ulong a && a != thread.ThreadObject))
                return new TextResult(NeedsModel);
            return Kernel(s, thread);
        }
        if (asked != null) throw new CommandException("!thread: user dumps show the current thread (switch with ~Ns)");
        return User(s, thread);
    }

    /// <summary>-1 as the expression evaluator gives it, at either pointer size.</summary>
    public static bool IsMinusOne(ulong value, int pointerSize) => value == ulong.MaxValue || (pointerSize == 4 && value == uint.MaxValue);

    private static ThreadDetailsResult User(DebugSession s, ThreadInfo t)
    {
        var notes = new List<string>();
        var teb = t.Teb != 0 ? TebFields.Read(s, t.Teb) : null;
        if (t.Teb == 0) notes.Add("The dump records no TEB address for this thread");
        else if (teb?.Problem is { } why) notes.Add($"TEB fields missing from the dump: {why}");
        uint pid = s.Target is IUserTarget u ? u.ProcessId : 0;
        return new ThreadDetailsResult(false, s.PointerSize, s.CurrentThreadIndex, t.ThreadId, pid, t.Name, 0, 0,
            t.Teb != 0 ? t.Teb : null, teb?.ClientProcess, teb?.ClientThread, teb?.StackBase, teb?.StackLimit, null,
            teb?.LastErrorValue, t.StackStart, t.StackSize, notes, Stack(s, t, notes));
    }

    private static ThreadDetailsResult Kernel(DebugSession s, ThreadInfo t)
    {
        var notes = new List<string>();
        var fields = new KernelFields(s, notes);
        // _ETHREAD begins with its KTHREAD (Tcb), so both types read at the same address.
        var kthread = fields.Type("_KTHREAD");
        var ethread = fields.Type("_ETHREAD");
        ulong? teb = fields.Read(kthread, t.ThreadObject, "Teb");
        ulong? stackBase = fields.Read(kthread, t.ThreadObject, "StackBase"), stackLimit = fields.Read(kthread, t.ThreadObject, "StackLimit");
        ulong? initial = fields.Read(kthread, t.ThreadObject, "InitialStack");
        ulong? cidProcess = fields.Read(ethread, t.ThreadObject, "Cid.UniqueProcess"), cidThread = fields.Read(ethread, t.ThreadObject, "Cid.UniqueThread");
        return new ThreadDetailsResult(true, s.PointerSize, s.CurrentThreadIndex, t.ThreadId, 0, t.Name, t.ThreadObject, t.ProcessObject,
            teb, cidProcess, cidThread, stackBase, stackLimit, initial, null, t.StackStart, t.StackSize, notes.Distinct().ToList(), Stack(s, t, notes));
    }

    private static StackResult? Stack(DebugSession s, ThreadInfo t, List<string> notes)
    {
        if (t.Context is not { } ctx)
        {
            notes.Add("The dump holds no register context for this thread: no stack");
            return null;
        }
        var (frames, stopped) = s.Stacks.Walk(ctx, StackFrames);
        var lines = frames.Select(f => new StackLine(f, StackCommand.CallSite(s, f, StackOptions.Kn), null)).ToList();
        return new StackResult(s.PointerSize, true, false, lines, stopped);
    }
}
