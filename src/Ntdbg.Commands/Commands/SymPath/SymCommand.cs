using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.SymPath;

/// <summary>!sym noisy|quiet: whether symbol lookups report every attempt.</summary>
[Command("!sym", Summary = "Symbol loading messages: noisy or quiet", Usage = "!sym [noisy|quiet]")]
public sealed class SymCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var symbols = context.Session.Symbols;
        switch (context.Arguments.Trim().ToLowerInvariant())
        {
            case "noisy": symbols.Noisy = true; break;
            case "quiet": symbols.Noisy = false; break;
            case "": break;
            default: throw new CommandException($"!sym: unknown option '{context.Arguments.Trim()}' (noisy or quiet)");
        }
        return new TextResult(symbols.Noisy ? "noisy mode - symbol prompts on" : "quiet mode - symbol prompts off");
    }
}
