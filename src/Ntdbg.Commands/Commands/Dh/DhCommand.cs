using Ntdbg.Commands.Commands.Basic;
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
    /// <summary>What `!dh -h` (or `!dh` without an address) prints.</summary>
    public static readonly TextResult Usage = new(
    [
        "Usage: dh [options] address",
        "",
        "Dumps headers from an image based at address.",
        "",
        "Options:",
        "",
        "   -a      Dump everything",
        "   -f      Dump file headers",
        "   -s      Dump section headers",
        "",
    ]);

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
                        case 'h': case '?': return Usage;
                        default: throw new CommandException($"!dh: unknown option -{c} (-a all, -f file headers, -s section headers, -h help)");
                    }
                }
                continue;
            }
            if (address != null) throw new CommandException("!dh: invalid extra argument");
            // Like the extension, each whitespace-separated word is one argument: "!dh nt -f" is not "nt - f".
            string word = args.ReadWord();
            int end = context.Session.CreateEvaluator().Evaluate(word, 0, out ulong value);
            if (end < word.Length) throw new CommandException($"!dh: cannot evaluate '{word}'");
            address = value;
        }
        if (address is not ulong at) return Usage;

        var session = context.Session;
        var image = PeImage.FromMemory(session.Memory, at);
        int zone = (session.TimeZoneOverrideHours ?? 0) * 60;
        return DhReportBuilder.Build(image, at, session.PointerSize, all || headers, all || sections, zone);
    }
}
