using Ntdbg.Commands.Engine;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Commands.Commands.Dh;

/// <summary>
/// !dh [-f|-s|-a] Address: dumps the headers of the image mapped at Address (a module name is an
/// address: its base). -f file and optional headers, -s section headers, -a (default) both.
/// </summary>
[Command("!dh", Summary = "Display the headers of an image in memory",
    Usage = "!dh [-f|-s|-a] Address   e.g. !dh nt, !dh -f fffff801`4c200000")]
public sealed class DhCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var args = context.Args;
        bool all = true, headers = false, sections = false;
        ulong? address = null;
        while (!args.AtEnd)
        {
            if (args.TryOption() is { } option)
            {
                foreach (char c in option.ToLowerInvariant())
                {
                    switch (c)
                    {
                        case 'a': all = true; break;
                        case 'f': all = false; headers = true; break;
                        case 's': all = false; sections = true; break;
                        default: throw new CommandException("Usage: !dh [-f|-s|-a] address   (-a all, -f file headers, -s section headers)");
                    }
                }
                continue;
            }
            if (address != null) throw new CommandException("!dh: invalid extra argument");
            address = args.ReadExpression();
        }
        if (address is not ulong at) throw new CommandException("Usage: !dh [-f|-s|-a] address");

        var session = context.Session;
        var image = PeImage.FromMemory(session.Memory, at);
        int zone = (session.TimeZoneOverrideHours ?? 0) * 60;
        return DhReportBuilder.Build(image, at, session.PointerSize, all || headers, all || sections, zone);
    }
}
