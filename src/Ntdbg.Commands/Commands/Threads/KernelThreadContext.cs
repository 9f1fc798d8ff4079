using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Kernel;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// Where a kernel thread's stack starts. The thread running on the crashing processor has the
/// processor's registers (the dump's context). A switched-out thread (waiting, ready) left an x64
/// _KSWITCH_FRAME at KTHREAD.KernelStack: 0x40 bytes with the saved Rbp at +0x30 and the return
/// address into KiSwapContext at +0x38; its stack pointer is just above the frame.
/// </summary>
public static class KernelThreadContext
{
    public const ulong SwitchFrameSize = 0x40, SwitchFrameRbp = 0x30, SwitchFrameReturn = 0x38;

    /// <summary>Full and bitmap dumps hold the kernel's objects; triage dumps do not.</summary>
    public static bool HasKernelObjects(DebugSession s) =>
        s.IsKernel && s.Target is KernelDumpTarget { Dump.Triage: null, Dump.Pages: not null } k && k.PsActiveProcessHead != 0;

    /// <summary>
    /// The thread running on the crashing processor: KPRCB.CurrentThread when the dump names it;
    /// otherwise the running thread whose kernel stack holds the dump context's stack pointer
    /// (dumps without a readable KPRCB, like the synthetic ones until KPCR/KPRCB are written).
    /// </summary>
    public static ulong CurrentThread(DebugSession s)
    {
        if (s.Target is KernelDumpTarget { CurrentThreadAddress: not 0 } k) return k.CurrentThreadAddress;
        if (s.Target.Threads.Count == 0 || s.Target.Threads[0].Context is not { } ctx || !HasKernelObjects(s)) return 0;
        ulong sp = ctx.StackPointer;
        var notes = new List<string>();
        var f = new KernelFields(s, notes);
        var kt = f.Type("_KTHREAD");
        foreach (var (_, thread) in AllThreads(s, notes))
        {
            if (f.Read(kt, thread, "State") != KernelThread.Running) continue;
            if (f.Read(kt, thread, "StackLimit") is ulong limit && f.Read(kt, thread, "StackBase") is ulong b && sp >= limit && sp < b) return thread;
        }
        return 0;
    }

    /// <summary>Every (process, thread) on the process list at PsActiveProcessHead, in list order.</summary>
    public static IEnumerable<(ulong Process, ulong Thread)> AllThreads(DebugSession s, List<string> notes)
    {
        if (s.Target is not IKernelTarget k || k.PsActiveProcessHead == 0) yield break;
        var f = new KernelFields(s, notes);
        if (f.Type("_EPROCESS") is not { } ep || KernelFields.OffsetOf(ep, "ActiveProcessLinks") is not ulong links) yield break;
        var processes = KernelLists.Walk(s, k.PsActiveProcessHead, links, 100_000, "the process list", out string? problem);
        if (problem != null) notes.Add(problem);
        foreach (ulong p in processes)
            foreach (ulong t in KernelThreadReader.ThreadsOf(s, p, notes))
                yield return (p, t);
    }

    /// <summary>The registers `k` starts from for this thread; null with the reason when there are none.</summary>
    public static RegisterContext? Of(DebugSession s, KernelThread t, ulong currentThread, out string? why)
    {
        why = null;
        var dumpContext = s.Target.Threads.Count > 0 ? s.Target.Threads[0].Context : null;
        if (t.Address == currentThread && dumpContext != null) return dumpContext;
        if (t.State == KernelThread.Running)
        {
            why = $"the thread is running on processor {(t.Processor is ulong p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}: its registers are that processor's, which this dump does not give";
            return null;
        }
        if (s.Target.Machine != Machine.X64)
        {
            why = $"reading a switched-out thread's registers is done for x64 kernels only (this one is {s.Target.Machine.DisplayName()})";
            return null;
        }
        if (t.KernelStack is not ulong ks || ks == 0)
        {
            why = "KTHREAD.KernelStack is unknown: no saved switch frame to start from";
            return null;
        }
        if (!s.Memory.TryReadUInt64(ks + SwitchFrameReturn, out ulong rip, out var fault) || !s.Memory.TryReadUInt64(ks + SwitchFrameRbp, out ulong rbp, out fault))
        {
            why = $"the switch frame at {Hex.Pointer(ks, s.PointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}";
            return null;
        }
        var values = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase) { ["rip"] = rip, ["rsp"] = ks + SwitchFrameSize, ["rbp"] = rbp };
        if (dumpContext is { Machine: Machine.X64 })
        {
            // The other registers were not saved where a debugger can find them: zero, as WinDbg shows them.
            var zeros = dumpContext.Registers.Where(r => r.Name is not ("cs" or "ss" or "efl") && !values.ContainsKey(r.Name))
                .ToDictionary(r => r.Name, _ => 0UL, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, v) in values) zeros[name] = v;
            return dumpContext.With(zeros);
        }
        return new RegisterContext(Machine.X64, values.Select(kv => new Register(kv.Key, kv.Value, 64)));
    }
}
