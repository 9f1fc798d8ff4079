using Ntdbg.Analyses.Locks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Language;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>
/// !cs [-s] [-l] [-o] [Address]: critical sections of the process (see LockAnalysis for where they
/// come from), or the one at Address; -l only the locked ones, -o each locked section's owner
/// stack, -s the initialization stack (which needs the user-mode stack trace database: it says
/// when there is none). Each section lists the threads its waiters are, and a wait-for cycle
/// between threads is printed as the deadlock it is.
/// </summary>
[Command("!cs", Summary = "Critical sections, their owners and waiters, and deadlocks", Usage = "!cs [-s] [-l] [-o] [Address]", Scope = CommandScope.User)]
public sealed class CsCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var args = new ArgumentReader(context.Arguments, s.CreateEvaluator());
        bool lockedOnly = false, ownerStacks = false, initStacks = false;
        while (args.TryOption("-") is { } option)
            foreach (char c in option)
                switch (c)
                {
                    case 'l': lockedOnly = true; break;
                    case 'o': ownerStacks = true; break;
                    case 's': initStacks = true; break;
                    default: throw new CommandException($"!cs: unknown option -{c} (supported: -l -o -s)");
                }
        ulong? address = args.TryReadExpression();
        if (!args.AtEnd) throw new CommandException($"!cs: unexpected '{args.Rest}'");
        var report = LockSession.Analyze(s, address is { } a ? [a] : []);
        var shown = report.CriticalSections.Where(c => address == null ? !lockedOnly || c.Locked : c.Address == address).ToList();
        var views = shown.Select(c => LockSession.View(s, report, c)).ToList();
        var stackThreads = new List<uint>();
        if (ownerStacks) stackThreads.AddRange(shown.Where(c => c.Locked).Select(c => c.OwnerThreadId));
        stackThreads.AddRange(report.Cycles.SelectMany(c => c.Steps).Select(step => step.ThreadId));
        return new CsResult(s.PointerSize, lockedOnly, ownerStacks, initStacks, address, views, report.Waits, report.Cycles,
            LockSession.Stacks(s, stackThreads), report.CriticalSections.Count, report.ListSource, report.Notes);
    }
}
