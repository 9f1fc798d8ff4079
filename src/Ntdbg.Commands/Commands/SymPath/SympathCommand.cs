using Ntdbg.Commands.Engine;
using Ntdbg.Symbols.Locators;

namespace Ntdbg.Commands.Commands.SymPath;

/// <summary>.sympath [Path] shows or sets the symbol path; .sympath+ Path appends to it.</summary>
[Command(".sympath", Summary = "Show or set the symbol search path (.sympath+ appends)", Usage = ".sympath [Path] | .sympath+ Path")]
public sealed class SympathCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var symbols = context.Session.Symbols;
        string a = context.Arguments.Trim();
        if (a.StartsWith('+'))
        {
            string more = a[1..].Trim();
            if (more.Length == 0) throw new CommandException(".sympath+: a path to append is required");
            symbols.AppendPath(more);
        }
        else if (a.Length > 0)
        {
            symbols.SetPath(a);
        }
        return Report(symbols);
    }

    public static SymbolPathResult Report(SymbolLocatorService symbols) =>
        new(symbols.Path.ToString(), symbols.Path.Expanded, symbols.Warnings.ToList());
}
