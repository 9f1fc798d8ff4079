using Ntdbg.Analyses.Locks;
using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Commands.Session;
using Ntdbg.Stacks.Unwind;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>What `!cs` and `!locks` share: running the lock analysis over the session's process, and the stacks they print.</summary>
internal static class LockSession
{
    private const int StackFrames = 64;

    // Lock state is runtime data: read from the dump alone, never from the stored images that fill its holes for code.
    public static LockReport Analyze(DebugSession s, IReadOnlyList<ulong> addresses) =>
        LockAnalysis.Analyze(s.ProcessMemory, s.PointerSize, s.SymbolTable, s.Stacks, s.Target.Threads, addresses);

    public static LockedSectionView View(DebugSession s, LockReport report, CriticalSectionInfo cs)
    {
        var owner = cs.Locked ? s.Target.Threads.FirstOrDefault(t => t.ThreadId == cs.OwnerThreadId) : null;
        return new LockedSectionView(cs, owner?.Index, owner?.Name, [.. report.WaitersOf(cs.Address)]);
    }

    /// <summary>The stacks of the given threads (each once, in the order given), as `kn` prints them.</summary>
    public static List<ThreadStack> Stacks(DebugSession s, IEnumerable<uint> threadIds)
    {
        var list = new List<ThreadStack>();
        foreach (uint id in threadIds.Distinct())
        {
            var t = s.Target.Threads.FirstOrDefault(x => x.ThreadId == id);
            if (t == null) { list.Add(new ThreadStack(id, -1, null, null, $"thread {id:x} is not in the dump's thread list")); continue; }
            if (t.Context == null) { list.Add(new ThreadStack(id, t.Index, t.Name, null, "the dump holds no register context for this thread")); continue; }
            var (frames, stopped) = s.Stacks.Walk(t.Context, StackFrames);
            var lines = frames.Select(f => new StackLine(f, StackCommand.CallSite(s, f, StackOptions.Kn), null)).ToList();
            list.Add(new ThreadStack(id, t.Index, t.Name, new StackResult(s.PointerSize, true, false, lines, stopped), null));
        }
        return list;
    }
}
