using Ntdbg.Commands.Language;
using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Engine;

/// <summary>What a running command gets: the session, the name it was invoked by and its arguments.</summary>
public sealed class CommandContext
{
    public CommandContext(DebugSession session, CommandExecutor executor, string name, string arguments)
    {
        Session = session;
        Executor = executor;
        Name = name;
        Arguments = arguments;
        Args = new ArgumentReader(arguments, session.CreateEvaluator());
    }

    public DebugSession Session { get; }
    public CommandExecutor Executor { get; }
    /// <summary>The registered name or alias that matched ("dqs" for DisplayMemoryCommand).</summary>
    public string Name { get; }
    public string Arguments { get; }
    public ArgumentReader Args { get; }
}

/// <summary>A problem with a command's use (bad arguments, wrong target), printed as one line.</summary>
public sealed class CommandException(string message) : Exception(message);
