using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// `!thread [Address] [Flags]` on full and bitmap dumps: the thread at Address, or the implicit
/// thread (.thread), or the one running on the crashing processor. When the dump names no current
/// thread (no readable KPRCB), that is the running thread whose kernel stack holds the dump
/// context's stack pointer. Flags default to 6 (wait details and stack), as in WinDbg.
/// </summary>
public static class KernelThreadCommand
{
    public const ulong DefaultFlags = 0x6;

    public static KernelThreadResult Details(DebugSession s, ulong? asked, ulong? flags)
    {
        ulong current = KernelThreadContext.CurrentThread(s);
        ulong thread = asked ?? s.ImplicitThread ?? current;
        if (thread == 0)
            throw new CommandException("!thread: the dump names no current thread (no KPRCB.CurrentThread, and no running thread's stack holds the dump context's RSP); give an _ETHREAD address");
        // WinDbg's answer for an address the dump does not hold.
        if (!s.Memory.TryReadUInt32(thread, out _, out var fault))
            throw new CommandException($"{Hex.Pointer(thread, s.PointerSize)}: Unable to get thread contents ({fault?.Detail ?? "unreadable"})");
        return KernelThreadDetails.Build(s, thread, flags ?? DefaultFlags, 0, current);
    }
}
