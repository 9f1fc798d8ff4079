using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.TargetInfo;

/// <summary>.time [-h Hours]: when the dump was taken, and the system and process uptimes.</summary>
[Command(".time", Summary = "Show the dump time and system/process uptime", Usage = ".time [-h HoursFromUTC]")]
public sealed class TimeCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var args = context.Args;
        string? opt = args.TryOption("-");
        if (opt != null)
        {
            if (!opt.Equals("h", StringComparison.OrdinalIgnoreCase)) throw new CommandException($".time: unknown option -{opt}");
            string hours = args.ReadWord();
            if (!int.TryParse(hours, out int h) || h < -14 || h > 14)
                throw new CommandException($".time: -h takes an hour offset from UTC (-14..14), not '{hours}'");
            context.Session.TimeZoneOverrideHours = h;
        }
        return TimeReport.From(context.Session);
    }
}
