using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Basic;

[Command("q", Aliases = ["qq", "qd"], Summary = "Quit the debugger", Usage = "q")]
public sealed class QuitCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        context.Session.QuitRequested = true;
        return null;
    }
}
