using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Basic;

[Command(".echo", Summary = "Print text", Usage = ".echo String")]
public sealed class EchoCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        string s = context.Arguments.Trim();
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"') s = s[1..^1];
        return new TextResult(s);
    }
}
