using Ntdbg.Analyses.Locks;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>
/// !locks [-v]: ntsdexts' list of critical sections — the locked ones, every one with -v — each as
/// CritSec name at address, LockCount, RecursionCount, OwningThread, EntryCount, ContentionCount
/// and "*** Locked", then "Scanned N critical sections"; past WinDbg, the threads waiting for each
/// and the deadlock cycles with each thread's stack.
/// </summary>
[Command("!locks", Summary = "Critical sections held (all with -v), waiters and deadlocks", Usage = "!locks [-v]", Scope = CommandScope.User)]
public sealed class LocksCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        bool verbose = false;
        foreach (string word in context.Arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (word is "-v" or "/v") verbose = true;
            else throw new CommandException($"!locks: unknown argument '{word}' (supported: -v)");
        }
        var report = LockSession.Analyze(s, []);
        var views = report.CriticalSections.Where(c => verbose || c.Locked).Select(c => LockSession.View(s, report, c)).ToList();
        var stacks = LockSession.Stacks(s, report.Cycles.SelectMany(c => c.Steps).Select(step => step.ThreadId));
        return new LocksResult(s.PointerSize, verbose, views, report.CriticalSections.Count, report.Waits, report.Cycles, stacks, report.ListSource, report.Notes);
    }
}
