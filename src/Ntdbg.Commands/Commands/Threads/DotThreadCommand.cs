using Ntdbg.Commands.Engine;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// .thread [/p] [/r] [EThreadAddress]: makes a kernel thread implicit — its registers (from its
/// saved switch frame, or the processor's for the running thread) become the register context,
/// so `k` and `r` show that thread; /p also makes its owning process the implicit process (what
/// !process shows); /r is accepted (user symbols are not reloaded: kernel dumps here are read
/// through the kernel's address space). Alone: shows the implicit thread.
/// </summary>
[Command(".thread", Summary = "Make a kernel thread's registers the context (k, r show it); /p its process too", Usage = ".thread [/p] [/r] [EThreadAddress]", Scope = CommandScope.Kernel)]
public sealed class DotThreadCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (!s.IsKernel) throw new CommandException(".thread is a kernel-mode command: in a user dump switch threads with ~Ns");
        bool process = false, reload = false;
        // "/p /r", "/pr" or "/r /p" (options may be combined, as WinDbg allows).
        while (context.Args.TryOption("/") is { } letters)
            foreach (char c in letters.ToLowerInvariant())
            {
                if (c == 'p') process = true;
                else if (c == 'r') reload = true;
                else throw new CommandException($".thread: unknown option /{c} (use /p, /r)");
            }
        ulong? asked = context.Args.TryReadExpression();
        if (!context.Args.AtEnd) throw new CommandException($".thread: unexpected '{context.Args.Rest}'");
        ulong current = KernelThreadContext.HasKernelObjects(s) ? KernelThreadContext.CurrentThread(s) : s.CurrentThread?.ThreadObject ?? 0;
        if (asked is not ulong address)
        {
            ulong shown = s.ImplicitThread ?? current;
            if (shown == 0) throw new CommandException(".thread: the dump names no current thread; give an _ETHREAD address");
            return new DotThreadResult(s.PointerSize, shown, s.ImplicitProcess, false);
        }
        if (!KernelThreadContext.HasKernelObjects(s))
            throw new CommandException(".thread: switching threads needs a full or bitmap kernel dump (a triage dump holds only the bugcheck thread)");
        if (!s.Memory.TryReadUInt32(address, out _, out var fault))
            throw new CommandException($".thread: {Hex.Pointer(address, s.PointerSize)}: Unable to get thread contents ({fault?.Detail ?? "unreadable"})");
        var thread = KernelThreadReader.Read(s, address);
        var ctx = KernelThreadContext.Of(s, thread, current, out string? why)
            ?? throw new CommandException($".thread: no register context for {address:x}: {why}");
        s.ContextOverride = address == current ? null : ctx;
        s.ImplicitThread = address;
        if (process)
        {
            if (thread.OwningProcess is not ulong owner || owner == 0)
                throw new CommandException($".thread /p: the owning process of {address:x} is unknown: {string.Join("; ", thread.Notes)}");
            // Its page tables then translate user addresses too (as .process does); without them only the process is set.
            try { Processes.KernelProcessList.MakeImplicit(s, owner, ".thread /p"); }
            catch (CommandException) { s.ImplicitProcess = owner; }
        }
        return new DotThreadResult(s.PointerSize, address, process ? s.ImplicitProcess : null, reload);
    }
}

/// <summary>`.thread`: the implicit thread (and process, with /p); UserSymbolsNotReloaded when /r was given.</summary>
public sealed record DotThreadResult(int PointerSize, ulong Thread, ulong? Process, bool UserSymbolsNotReloaded);
