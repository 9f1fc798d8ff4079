using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Commands.Engine;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// ~ lists threads; "~Ns" / "~~[tid]s" make a thread current (and show its registers); "~N",
/// "~.", "~#", "~*" show some; "~* k", "~2 kb", "~~[tid] r" run a command on each selected
/// thread, with that thread current while it runs.
/// </summary>
[Command("~", Summary = "List threads; ~Ns switches; ~* k runs a command per thread", Usage = "~ | ~* | ~. | ~# | ~N | ~~[tid] [s | command]")]
public sealed class ThreadCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        string a = context.Arguments.TrimStart();
        if (Processors.ProcessorSwitch.TrySwitch(context, a) is { } switched) return switched;
        var threads = s.Target.Threads;
        var (which, rest) = Select(context, a);
        rest = rest.Trim();

        if (rest == "s")
        {
            if (which.Count != 1) throw new CommandException($"Illegal thread error in '~{a}': select one thread to switch to");
            s.CurrentThreadIndex = which[0];
            s.ContextOverride = null;
            var ctx = s.CurrentContext ?? throw new CommandException($"thread {which[0]} has no register context in the dump");
            return RegistersCommand.Full(s, ctx, null);
        }
        if (rest.Length == 0) return Rows(s, which);
        return RunPerThread(context, which, rest);
    }

    private static (List<int> Which, string Command) Select(CommandContext context, string a)
    {
        var s = context.Session;
        var threads = s.Target.Threads;
        uint? exThread = s.Target.Exception?.ThreadId;
        if (a.Length == 0) return (Enumerable.Range(0, threads.Count).ToList(), "");
        switch (a[0])
        {
            case '*': return (Enumerable.Range(0, threads.Count).ToList(), a[1..]);
            case '.': return ([s.CurrentThreadIndex], a[1..]);
            case '#':
                return (threads.Select((t, i) => (t, i)).Where(x => x.t.ThreadId == exThread).Select(x => x.i).ToList(), a[1..]);
            case '~' when a.Length > 1 && a[1] == '[':
                int close = a.IndexOf(']');
                if (close < 0) throw new CommandException($"Illegal thread error in '~{a}': missing ']'");
                var evaluator = s.CreateEvaluator();
                ulong tid = new Language.ArgumentReader(a[2..close], evaluator).ReadExpression();
                int index = threads.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.ThreadId == tid, (null!, -1)).Item2;
                if (index < 0) throw new CommandException($"Illegal thread error in '~{a}': no thread has id {tid:x}");
                return ([index], a[(close + 1)..]);
        }
        int end = 0;
        while (end < a.Length && char.IsAsciiDigit(a[end])) end++;
        if (end == 0 || !int.TryParse(a[..end], out int n) || n < 0 || n >= threads.Count)
            throw new CommandException($"Illegal thread error in '~{a}': the dump has {threads.Count} thread(s)");
        return ([n], a[end..]);
    }

    private static ThreadListResult Rows(Session.DebugSession s, IEnumerable<int> which)
    {
        var threads = s.Target.Threads;
        uint pid = s.Target is IUserTarget u ? u.ProcessId : 0;
        uint? exThread = s.Target.Exception?.ThreadId;
        var rows = which.Where(i => i >= 0 && i < threads.Count).Select(i =>
        {
            var t = threads[i];
            return new ThreadRow(i, pid, t.ThreadId, t.SuspendCount, t.Teb, t.Name, i == s.CurrentThreadIndex,
                exThread == t.ThreadId, t.ThreadObject, t.ProcessObject);
        }).ToList();
        return new ThreadListResult(s.IsKernel, s.PointerSize, rows);
    }

    // Each thread's header line, then the command's outcome with that thread current; the
    // current thread and any .cxr/.ecxr context are restored afterwards, as WinDbg does.
    private static CompositeResult RunPerThread(CommandContext context, List<int> which, string command)
    {
        var s = context.Session;
        int saved = s.CurrentThreadIndex;
        var savedOverride = s.ContextOverride;
        int savedFrame = s.SelectedFrame;
        var outcomes = new List<CommandOutcome>();
        try
        {
            foreach (int i in which)
            {
                s.CurrentThreadIndex = i;
                s.ContextOverride = null;
                outcomes.Add(new CommandOutcome($"~{i}", Rows(s, [i]), null));
                foreach (var o in context.Executor.ExecuteLine(command)) outcomes.Add(o);
            }
        }
        finally
        {
            s.CurrentThreadIndex = saved;
            s.ContextOverride = savedOverride;
            s.SelectedFrame = savedFrame;
        }
        return new CompositeResult(outcomes);
    }
}
