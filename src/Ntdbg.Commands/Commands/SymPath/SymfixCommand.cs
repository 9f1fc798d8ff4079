using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.SymPath;

/// <summary>.symfix [Cache]: the Microsoft public symbol server behind a local cache; .symfix+ appends it.</summary>
[Command(".symfix", Summary = "Use the Microsoft symbol server (.symfix+ appends it)", Usage = ".symfix[+] [LocalCache]")]
public sealed class SymfixCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        string a = context.Arguments.Trim();
        bool append = a.StartsWith('+');
        if (append) a = a[1..].Trim();
        context.Session.Symbols.Symfix(a.Length > 0 ? a : null, append);
        return SympathCommand.Report(context.Session.Symbols);
    }
}
