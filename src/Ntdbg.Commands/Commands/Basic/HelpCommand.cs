using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Basic;

/// <summary>.help lists every declared command; `.help name` shows one command's syntax.</summary>
[Command(".help", Summary = "List the commands, or show one command's syntax", Usage = ".help [Command]")]
public sealed class HelpCommand : ICommand
{
    public object? Execute(CommandContext context) => Build(context.Executor.Registry, context.Arguments.Trim());

    public static TextResult Build(CommandRegistry registry, string which)
    {
        var lines = new List<string>();
        if (which.Length > 0)
        {
            if (!registry.TryGet(which, out var d)) throw new CommandException($"No help for '{which}': no such command");
            var a = d.Attribute;
            lines.Add($"{a.Name} - {a.Summary}");
            lines.Add($"  Usage: {a.Usage}");
            if (a.Aliases.Length > 0) lines.Add($"  Also: {string.Join(", ", a.Aliases)}");
            return new TextResult(lines);
        }
        lines.Add("Commands:");
        foreach (var d in registry.Commands)
        {
            var a = d.Attribute;
            string names = a.Aliases.Length > 0 ? $"{a.Name} ({string.Join(" ", a.Aliases)})" : a.Name;
            lines.Add($"  {names,-28} {a.Summary}");
        }
        lines.Add("Expressions are MASM: hex by default, 0n for decimal, poi(), @reg, @$pseudo, module names.");
        lines.Add("Ranges: Address L Count, Address L? Count (no size check), Start End.");
        return new TextResult(lines);
    }
}
