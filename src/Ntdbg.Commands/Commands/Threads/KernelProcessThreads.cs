using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// The threads `!process` shows under a process, by its flags: 0x4 alone one line per thread, 0x2
/// the wait details, 0x2|0x4 the details and the stack (so 7 and 17 show everything).
/// </summary>
public static class KernelProcessThreads
{
    public const int Indent = 8;

    /// <summary>Null when the flags ask for no threads.</summary>
    public static List<KernelThreadResult>? For(DebugSession s, ulong eprocess, ulong flags, ulong currentThread, List<string> notes)
    {
        if ((flags & 0x6) == 0) return null;
        ulong threadFlags = (flags & 0x2) | ((flags & 0x6) == 0x6 ? 0x4UL : 0);
        return KernelThreadReader.ThreadsOf(s, eprocess, notes)
            .Select(t => KernelThreadDetails.Build(s, t, threadFlags, Indent, currentThread)).ToList();
    }

    /// <summary>The implicit process (.thread /p), else the owner of the thread running on the crashing processor; 0 when unknown.</summary>
    public static ulong CurrentProcess(DebugSession s)
    {
        if (s.ImplicitProcess is ulong p) return p;
        if (s.CurrentThread?.ProcessObject is ulong known && known != 0) return known;
        if (!KernelThreadContext.HasKernelObjects(s)) return 0;
        ulong thread = s.ImplicitThread ?? KernelThreadContext.CurrentThread(s);
        return thread == 0 ? 0 : KernelThreadReader.Read(s, thread).OwningProcess ?? 0;
    }
}
