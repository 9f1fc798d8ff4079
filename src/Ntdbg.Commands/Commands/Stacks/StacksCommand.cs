using Ntdbg.Commands.Engine;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// !stacks [0|1|2] [Filter]: every kernel thread the target knows with its stack — 0 the top
/// frame, 1 and 2 the whole stack — keeping only threads one of whose frames contains Filter
/// (case-insensitive, e.g. "amdppm!" or "KeWaitForSingleObject"). The threads are those the
/// dump lists for triage dumps (the bug-checking thread); full and bitmap dumps walk every
/// process's thread list (<see cref="KernelStacks"/>).
/// </summary>
[Command("!stacks", Summary = "Kernel threads and their stacks, filtered by a frame name", Usage = "!stacks [0|1|2] [Filter]")]
public sealed class StacksCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (!s.IsKernel) throw new CommandException("!stacks is a kernel-mode command; in a user dump use ~*k");
        int detail = 0;
        string? filter = null;
        foreach (string word in context.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (filter == null && word is "0" or "1" or "2") detail = word[0] - '0';
            else filter = word;
        }
        // Full and bitmap dumps: every process's threads, from the process list.
        if (Threads.KernelThreadContext.HasKernelObjects(s)) return KernelStacks.Run(s, detail, filter);
        var threads = new List<StacksThread>();
        foreach (var t in s.Target.Threads)
        {
            if (t.Context == null) continue;
            var (frames, _) = s.Stacks.Walk(t.Context, detail == 0 ? 1 : 64);
            var sites = frames.Select(f => s.DescribeAddress(f.InstructionPointer) ?? $"0x{Hex.Pointer(f.InstructionPointer, s.PointerSize)}").ToList();
            if (filter != null && !sites.Any(site => site.Contains(filter, StringComparison.OrdinalIgnoreCase))) continue;
            threads.Add(new StacksThread(t.ProcessObject, t.ThreadObject, t.ThreadId, sites));
        }
        return new StacksResult(s.PointerSize, detail, filter, threads, s.Target.Threads.Count);
    }
}

public sealed record StacksThread(ulong Process, ulong Thread, uint ThreadId, IReadOnlyList<string> Frames);

public sealed record StacksResult(int PointerSize, int Detail, string? Filter, IReadOnlyList<StacksThread> Threads, int ThreadsKnown);
