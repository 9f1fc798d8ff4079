using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>~ lists threads; ~Ns makes thread N current (and shows its registers); ~N shows one.</summary>
[Command("~", Summary = "List threads; ~Ns switches to thread N", Usage = "~ | ~* | ~. | ~# | ~N | ~Ns")]
public sealed class ThreadCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        string a = context.Arguments.Trim();
        var threads = s.Target.Threads;
        uint pid = s.Target is IUserTarget u ? u.ProcessId : 0;
        uint? exThread = s.Target.Exception?.ThreadId;

        if (a.EndsWith('s') && int.TryParse(a[..^1].Trim(), out int switchTo))
        {
            if (switchTo < 0 || switchTo >= threads.Count) throw new CommandException($"Illegal thread error in '~{a}': the dump has {threads.Count} thread(s)");
            s.CurrentThreadIndex = switchTo;
            s.ContextOverride = null;
            var ctx = s.CurrentContext ?? throw new CommandException($"thread {switchTo} has no register context in the dump");
            return RegistersCommand.Full(s, ctx, null);
        }

        IEnumerable<int> which = a switch
        {
            "" or "*" => Enumerable.Range(0, threads.Count),
            "." => [s.CurrentThreadIndex],
            "#" => threads.Select((t, i) => (t, i)).Where(x => x.t.ThreadId == exThread).Select(x => x.i),
            _ when int.TryParse(a, out int n) && n >= 0 && n < threads.Count => [n],
            _ => throw new CommandException($"Illegal thread error in '~{a}'"),
        };
        var rows = which.Where(i => i >= 0 && i < threads.Count).Select(i =>
        {
            var t = threads[i];
            return new ThreadRow(i, pid, t.ThreadId, t.SuspendCount, t.Teb, t.Name, i == s.CurrentThreadIndex,
                exThread == t.ThreadId, t.ThreadObject, t.ProcessObject);
        }).ToList();
        return new ThreadListResult(s.IsKernel, s.PointerSize, rows);
    }
}
