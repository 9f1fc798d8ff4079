using Ntdbg.Commands.Language;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Engine;

/// <summary>Runs command lines against a session: splits on ';', matches, executes, captures errors.</summary>
public sealed class CommandExecutor(DebugSession session, CommandRegistry? registry = null)
{
    public CommandRegistry Registry { get; } = registry ?? CommandRegistry.Default;
    public DebugSession Session { get; } = session;

    public IEnumerable<CommandOutcome> ExecuteLine(string line)
    {
        foreach (var cmd in CommandSplitter.Split(line))
        {
            if (Session.QuitRequested) yield break;
            yield return Execute(cmd);
        }
    }

    public CommandOutcome Execute(string command)
    {
        // Symbol loads can happen inside any command; under `!sym noisy` their lines go with its output.
        var messages = new List<string>();
        Session.SymbolTable.NoisyOutput = Session.Symbols.Noisy ? messages.Add : null;
        try
        {
            var outcome = ExecuteQuietly(command);
            return messages.Count == 0 ? outcome : outcome with { Messages = messages };
        }
        finally
        {
            Session.SymbolTable.NoisyOutput = null;
        }
    }

    private CommandOutcome ExecuteQuietly(string command)
    {
        // Comments: "$$ text" (up to the next ;) and "* text" (the whole line).
        if (command.StartsWith("$$", StringComparison.Ordinal) || command.StartsWith('*')) return new CommandOutcome(command, null, null);
        var match = Registry.Match(command);
        if (match == null)
        {
            string word = command.Split(' ', 2)[0];
            string error = word.StartsWith('!') ? $"No export {word[1..]} found" : $"Couldn't resolve error at '{command}'";
            return new CommandOutcome(command, null, error);
        }
        var (descriptor, name, args) = match.Value;
        if (!AppliesTo(descriptor.Attribute.Scope))
            return new CommandOutcome(command, null, $"{name} is not available for this target ({Session.Target.FormatDescription})");
        try
        {
            var ctx = new CommandContext(Session, this, name, args);
            return new CommandOutcome(command, descriptor.Create().Execute(ctx), null);
        }
        catch (Exception e) when (e is ExpressionException or CommandException or MemoryFaultException or DumpFormatException or IOException or UnauthorizedAccessException)
        {
            return new CommandOutcome(command, null, e.Message);
        }
    }

    private bool AppliesTo(CommandScope scope) => Session.Target.Kind switch
    {
        Ntdbg.Targets.TargetKind.KernelDump => scope.HasFlag(CommandScope.Kernel),
        Ntdbg.Targets.TargetKind.UserDump => scope.HasFlag(CommandScope.User),
        _ => scope.HasFlag(CommandScope.Image),
    };
}
