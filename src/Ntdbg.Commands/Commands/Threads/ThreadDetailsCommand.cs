using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// !thread: the current thread in detail. User dumps: its TEB (stack base and limit from NT_TIB,
/// client id, LastErrorValue, read at their documented offsets), name and stack. Kernel dumps: the
/// bugcheck thread's KTHREAD (Cid, Teb, kernel stack bounds, read with the kernel's types) and its
/// stack; other threads need the process/thread model (issue 5).
/// </summary>
[Command("!thread", Summary = "The current thread: TEB or KTHREAD fields and its stack", Usage = "!thread [KThreadAddress]", Scope = CommandScope.User | CommandScope.Kernel)]
public sealed class ThreadDetailsCommand : ICommand
{
    public const string NeedsModel = "!thread needs the kernel process/thread model (issue 5)";
    private const int StackFrames = 256;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        ulong? asked = context.Args.TryReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($"!thread: unexpected '{context.Args.Rest}'");
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
        ulong? Field(string type, string path)
        {
            var found = s.SymbolTable.FindType("nt!" + type);
            if (found?.Type is not UdtType udt)
            {
                notes.Add($"nt!{type} is not in the kernel's symbols: its fields are unknown");
                return null;
            }
            return ReadField(s, udt, t.ThreadObject, path, notes);
        }
        // _ETHREAD begins with its KTHREAD (Tcb), so both types read at the same address.
        ulong? teb = Field("_KTHREAD", "Teb");
        ulong? stackBase = Field("_KTHREAD", "StackBase"), stackLimit = Field("_KTHREAD", "StackLimit"), initial = Field("_KTHREAD", "InitialStack");
        ulong? cidProcess = Field("_ETHREAD", "Cid.UniqueProcess"), cidThread = Field("_ETHREAD", "Cid.UniqueThread");
        return new ThreadDetailsResult(true, s.PointerSize, s.CurrentThreadIndex, t.ThreadId, 0, t.Name, t.ThreadObject, t.ProcessObject,
            teb, cidProcess, cidThread, stackBase, stackLimit, initial, null, t.StackStart, t.StackSize, notes.Distinct().ToList(), Stack(s, t, notes));
    }

    // A pointer-sized or smaller field by "A.B" path, read from the dump; null (with a note) when absent or unreadable.
    private static ulong? ReadField(DebugSession s, UdtType type, ulong address, string path, List<string> notes)
    {
        ulong at = address;
        DbgType current = type;
        foreach (string part in path.Split('.'))
        {
            if (current is not UdtType udt || udt.GetField(part) is not { IsBitfield: false } f)
            {
                notes.Add($"{type.Name} has no field {path}");
                return null;
            }
            at += f.Offset;
            current = f.Type;
        }
        int size = (int)current.Size;
        if (size is not (1 or 2 or 4 or 8)) return null;
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        if (s.Memory.Read(at, b[..size], out var fault) < size)
        {
            notes.Add($"{type.Name}.{path} at {Hex.Pointer(at, s.PointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        return BitConverter.ToUInt64(b);
    }

    private static StackResult? Stack(DebugSession s, ThreadInfo t, List<string> notes)
    {
        if (t.Context is not { } ctx)
        {
            notes.Add("The dump holds no register context for this thread: no stack");
            return null;
        }
        var (frames, stopped) = StackWalks.Walk(s, ctx, StackFrames);
        var lines = frames.Select(f => new StackLine(f, StackCommand.CallSite(s, f, StackOptions.Kn), null)).ToList();
        return new StackResult(s.PointerSize, true, false, lines, stopped);
    }
}
