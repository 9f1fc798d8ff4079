namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>One processor as written: its _KPCR, the _KPRCB inside it and the threads it names.</summary>
public sealed record SyntheticProcessor(
    uint Number, ulong Kpcr, ulong Prcb, ulong CurrentThread, ulong IdleThread, byte PcrIrql, byte DebuggerSavedIrql,
    uint InterruptCount, uint DpcTime, uint InterruptTime, uint KernelTime, uint UserTime, ulong IdtBase, ulong GdtBase, ulong TssBase,
    ulong SavedRip, ulong SavedRsp);

/// <summary>
/// Writes a scenario's processors: nt!KiProcessorBlock[i] → the _KPRCB embedded in processor
/// i's _KPCR (at _KPCR.Prcb), _KPCR.Self/CurrentPrcb, the PRCB's Number, group fields, thread
/// pointers, DebuggerSavedIRQL and time counters, each at the build's ISF offsets. Each processor
/// gets a minimal idle _ETHREAD whose Tcb.Process (and ApcState.Process) is the System process;
/// the bugcheck processor runs the scenario's current thread when it names one, else its idle
/// thread. Returns the KDBG processor fields that let a debugger find all of it.
/// </summary>
public static class ProcessorBlockWriter
{
    /// <summary>Where the _KPCRs and idle threads are placed.</summary>
    public const ulong ProcessorObjects = 0xffffc08c78000000;

    /// <summary>The processor that bugchecked (its PRCB is the one whose saved context the header repeats).</summary>
    public const uint BugcheckProcessor = 0;

    public static KdbgProcessorFields Write(KernelScenario s, ulong systemProcess, ulong? currentThread, out IReadOnlyList<SyntheticProcessor> written)
    {
        var layout = s.Layout;
        var w = new KernelVariableWriter(s, ProcessorObjects);
        ulong blocks = w.Symbol("KiProcessorBlock") ?? throw new KeyNotFoundException($"{layout.Path}: no KiProcessorBlock");
        ulong prcbInPcr = layout.OffsetOf("_KPCR", "Prcb");
        var list = new List<SyntheticProcessor>();
        for (uint i = 0; i < s.ProcessorCount; i++)
        {
            ulong kpcr = w.Allocate(layout.SizeOf("_KPCR"));
            ulong prcb = kpcr + prcbInPcr;
            ulong idle = IdleThread(w, systemProcess);
            bool bugcheck = i == BugcheckProcessor;
            var p = new SyntheticProcessor(i, kpcr, prcb, bugcheck && currentThread is ulong t ? t : idle, idle,
                PcrIrql: bugcheck ? (byte)15 : (byte)0, DebuggerSavedIrql: bugcheck ? (byte)2 : (byte)0,
                InterruptCount: 0xb81f + 0x1111 * i, DpcTime: 0x28 + i, InterruptTime: 0x3ff + 2 * i, KernelTime: 0x5ef4 + 0x10 * i, UserTime: 0x385 + 3 * i,
                IdtBase: kpcr - 0x3000, GdtBase: kpcr - 0x4000, TssBase: kpcr - 0x2000,
                // The others were idling when the bugcheck froze them: their PRCB keeps that context.
                SavedRip: bugcheck ? 0 : KernelScenario.KernelBase + layout.Rva("KiIdleLoop") + 0x40 + i, SavedRsp: bugcheck ? 0 : kpcr - 0x1000 + 0x100 * i);
            WritePcr(w, p);
            w.Write(blocks + 8 * i, prcb, 8);
            list.Add(p);
        }
        written = list;
        // The KDBG names nt!MmUnloadedDrivers; a scenario without unloads leaves it null (mapped, zero).
        if (w.Symbol("MmUnloadedDrivers") is ulong unloaded) w.EnsureMapped(unloaded, 8);
        return new KdbgProcessorFields(blocks, w.Symbol("MmUnloadedDrivers") ?? 0, (ushort)layout.SizeOf("_KPRCB"),
            (ushort)layout.OffsetOf("_KPRCB", "Number"), (ushort)layout.OffsetOf("_KPRCB", "CurrentThread"),
            (ushort)layout.OffsetOf("_KPRCB", "ProcessorState.ContextFrame"),
            layout.HasField("_KPRCB", "Context") ? (ushort)layout.OffsetOf("_KPRCB", "Context") : (ushort)0,
            (ushort)layout.OffsetOf("_KTHREAD", "ApcState.Process"));
    }

    private static void WritePcr(KernelVariableWriter w, SyntheticProcessor p)
    {
        const string pcr = "_KPCR", prcb = "_KPRCB";
        w.WriteField(p.Kpcr, pcr, "GdtBase", p.GdtBase);
        w.WriteField(p.Kpcr, pcr, "TssBase", p.TssBase);
        w.WriteField(p.Kpcr, pcr, "Self", p.Kpcr);
        w.WriteField(p.Kpcr, pcr, "CurrentPrcb", p.Prcb);
        w.WriteField(p.Kpcr, pcr, "IdtBase", p.IdtBase);
        w.WriteField(p.Kpcr, pcr, "Irql", p.PcrIrql);
        w.WriteField(p.Kpcr, pcr, "MajorVersion", 1);
        w.WriteField(p.Kpcr, pcr, "MinorVersion", 1);
        w.WriteField(p.Prcb, prcb, "MajorVersion", 1);
        w.WriteField(p.Prcb, prcb, "MinorVersion", 1);
        w.WriteField(p.Prcb, prcb, "Number", p.Number);
        w.WriteField(p.Prcb, prcb, "LegacyNumber", p.Number);
        w.WriteField(p.Prcb, prcb, "Group", 0);
        w.WriteField(p.Prcb, prcb, "GroupIndex", p.Number);
        w.WriteField(p.Prcb, prcb, "GroupSetMember", 1UL << (int)p.Number);
        w.WriteField(p.Prcb, prcb, "CurrentThread", p.CurrentThread);
        w.WriteField(p.Prcb, prcb, "NextThread", 0);
        w.WriteField(p.Prcb, prcb, "IdleThread", p.IdleThread);
        w.WriteField(p.Prcb, prcb, "DebuggerSavedIRQL", p.DebuggerSavedIrql);
        w.WriteField(p.Prcb, prcb, "InterruptCount", p.InterruptCount);
        w.WriteField(p.Prcb, prcb, "DpcTime", p.DpcTime);
        w.WriteField(p.Prcb, prcb, "InterruptTime", p.InterruptTime);
        w.WriteField(p.Prcb, prcb, "KernelTime", p.KernelTime);
        w.WriteField(p.Prcb, prcb, "UserTime", p.UserTime);
        if (p.SavedRip != 0)
        {
            const string ctx = "ProcessorState.ContextFrame.";
            w.WriteField(p.Prcb, prcb, ctx + "ContextFlags", 0x10001f); // CONTEXT_AMD64 | FULL | SEGMENTS
            w.WriteField(p.Prcb, prcb, ctx + "SegCs", 0x10);
            w.WriteField(p.Prcb, prcb, ctx + "SegSs", 0x18);
            w.WriteField(p.Prcb, prcb, ctx + "EFlags", 0x246);
            w.WriteField(p.Prcb, prcb, ctx + "Rip", p.SavedRip);
            w.WriteField(p.Prcb, prcb, ctx + "Rsp", p.SavedRsp);
        }
    }

    // The idle thread: owned by the System process here (the real idle process has no list entry).
    private static ulong IdleThread(KernelVariableWriter w, ulong systemProcess)
    {
        ulong thread = w.Allocate(w.Layout.SizeOf("_ETHREAD"));
        w.WriteField(thread, "_ETHREAD", "Tcb.Process", systemProcess);
        w.WriteField(thread, "_ETHREAD", "Tcb.ApcState.Process", systemProcess);
        w.WriteField(thread, "_ETHREAD", "Tcb.State", 2); // Running
        return thread;
    }
}
