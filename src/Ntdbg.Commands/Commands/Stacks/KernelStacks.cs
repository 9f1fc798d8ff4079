using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// `!stacks` on full and bitmap dumps: every process on the process list, each thread on its
/// thread list with its state and stack (from its switch frame, or the processor's context for
/// the running thread), keeping only threads one of whose frames contains the filter.
/// </summary>
public static class KernelStacks
{
    public static KernelStacksResult Run(DebugSession s, int detail, string? filter)
    {
        var notes = new List<string>();
        ulong current = KernelThreadContext.CurrentThread(s);
        var fields = new KernelFields(s, notes);
        var processes = new List<KernelStacksProcess>();
        int processed = 0;
        ulong? lastProcess = null;
        List<KernelStacksThread>? threads = null;
        foreach (var (process, address) in KernelThreadContext.AllThreads(s, notes))
        {
            if (process != lastProcess)
            {
                threads = [];
                processes.Add(new KernelStacksProcess(process, fields.ReadAnsi(fields.Type("_EPROCESS"), process, "ImageFileName"), threads));
                lastProcess = process;
            }
            processed++;
            var t = KernelThreadReader.Read(s, address);
            var ctx = KernelThreadContext.Of(s, t, current, out string? why);
            var frames = new List<string>();
            if (ctx != null)
            {
                var (walked, _) = s.Stacks.Walk(ctx, detail == 0 ? 1 : 64);
                frames.AddRange(walked.Select(f => s.DescribeAddress(f.InstructionPointer) ?? $"0x{Hex.Pointer(f.InstructionPointer, s.PointerSize)}"));
            }
            if (filter != null && !frames.Any(f => f.Contains(filter, StringComparison.OrdinalIgnoreCase))) continue;
            ulong? ticks = t.TickCount is ulong now && t.WaitTime is ulong began ? (uint)now - (uint)began : null;
            threads!.Add(new KernelStacksThread(address, t.ProcessId, t.ThreadId, ticks, StateWord(t), frames, ctx == null ? why : null));
        }
        return new KernelStacksResult(s.PointerSize, detail, filter, processes, processed, notes.Distinct().ToList());
    }

    // !stacks' ThreadState column.
    private static string StateWord(KernelThread t) => t.State switch
    {
        KernelThread.Waiting => "Blocked",
        KernelThread.Running => "RUNNING",
        KernelThread.Ready => "READY",
        null => "?",
        _ => t.StateName ?? $"State{t.State}",
    };
}

public sealed record KernelStacksThread(ulong Address, ulong? ProcessId, ulong? ThreadId, ulong? Ticks, string State, IReadOnlyList<string> Frames, string? NoStack);

public sealed record KernelStacksProcess(ulong Address, string? Image, IReadOnlyList<KernelStacksThread> Threads);

/// <summary>`!stacks` over every process's threads (full and bitmap dumps); Notes say where a list was broken.</summary>
public sealed record KernelStacksResult(int PointerSize, int Detail, string? Filter, IReadOnlyList<KernelStacksProcess> Processes, int ThreadsProcessed, IReadOnlyList<string> Notes);
