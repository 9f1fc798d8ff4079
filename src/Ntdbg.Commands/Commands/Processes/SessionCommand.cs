using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>One session: its id, its _MM_SESSION_SPACE and the processes on the list that belong to it.</summary>
public sealed record SessionInfo(uint SessionId, ulong SessionSpace, IReadOnlyList<ulong> Processes);

/// <summary>The result of `!session`: the sessions, the current one, and for -s the session and process switched to.</summary>
public sealed record SessionResult(int PointerSize, IReadOnlyList<SessionInfo> Sessions, uint? Current, uint? Switched, ulong ImplicitProcess, IReadOnlyList<string> Notes);

/// <summary>
/// !session [-s SessionId|-1]: the sessions of the machine, found as the distinct
/// EPROCESS.Session of the processes on the active process list (session-less processes such as
/// System and smss belong to none), and the current session (the implicit process's). -s makes
/// the first process of the session's own ProcessList (_MM_SESSION_SPACE, linked through
/// EPROCESS.SessionProcessLinks) the implicit process; -1 goes back to the default process.
/// </summary>
[Command("!session", Summary = "List the sessions or switch to one (its first process becomes the implicit process)", Usage = "!session [-s SessionId|-1]", Scope = CommandScope.Kernel)]
public sealed class SessionCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (!s.IsKernel) throw new CommandException("!session: needs a kernel dump");
        long? wanted = null;
        if (context.Args.TryOption() is { } option)
        {
            if (!option.Equals("s", StringComparison.OrdinalIgnoreCase)) throw new CommandException($"!session: unknown option -{option} (usage: !session [-s SessionId|-1])");
            if (context.Args.AtEnd) throw new CommandException("!session: -s needs a session id (or -1 for the current session)");
            wanted = context.Args.TryKeyword("-1") ? -1 : (long)context.Args.ReadExpression();
        }
        if (!context.Args.AtEnd) throw new CommandException($"!session: unexpected '{context.Args.Rest}'");

        var notes = new List<string>();
        var processes = KernelProcessList.Read(s, notes);
        var sessions = processes.Where(p => p.SessionId != null)
            .GroupBy(p => p.SessionId!.Value)
            .OrderBy(g => g.Key)
            .Select(g => new SessionInfo(g.Key, g.First().Session, g.Select(p => p.Address).ToList()))
            .ToList();
        uint? switched = null;
        if (wanted == -1 || wanted == uint.MaxValue) KernelProcessList.ClearImplicit(s);
        else if (wanted is long id)
        {
            var session = sessions.FirstOrDefault(x => x.SessionId == id)
                ?? throw new CommandException($"!session: session {id} is not valid (valid sessions: {string.Join(" ", sessions.Select(x => x.SessionId))})");
            ulong first = SessionProcessList.First(s, session, notes) ?? session.Processes[0];
            KernelProcessList.MakeImplicit(s, first, "!session");
            switched = session.SessionId;
        }
        ulong current = KernelProcessList.CurrentProcess(s, notes);
        uint? currentSession = current != 0 ? KernelProcessList.Describe(s, current, notes).SessionId : null;
        return new SessionResult(s.PointerSize, sessions, currentSession, switched, current, notes.Distinct().ToList());
    }
}
