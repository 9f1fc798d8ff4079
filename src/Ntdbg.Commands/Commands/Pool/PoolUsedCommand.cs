using System.Globalization;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// !poolused [Flags [TagString]] [/t N]: pool use per tag, summed over every tracker table the
/// kernel keeps (nt!PoolTrackTable, the per-processor nt!ExPoolTagTables, nt!PoolTrackTableExpansion;
/// with flag 8 the current session's tables instead). Flags (hex): 1 verbose (allocs, frees,
/// outstanding and bytes per pool), 2 sorts by non-paged bytes, 4 by paged bytes, otherwise by
/// tag, 8 the session pool; /t N keeps the first N rows; TagString filters case-sensitively with
/// * and ? wildcards. The totals cover every tag.
/// </summary>
[Command("!poolused", Summary = "Pool memory use by pool tag", Usage = "!poolused [/t N] [Flags [TagString]]", Scope = CommandScope.Kernel)]
public sealed class PoolUsedCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var (flags, top, pattern) = Parse(context.Args.Rest);
        if ((flags & 6) == 6) throw new CommandException("!poolused: flags 2 and 4 cannot be used together");
        var notes = new List<string>();
        bool sessionPool = (flags & 8) != 0;
        PoolTrackerReading reading;
        uint? sessionId = null;
        if (sessionPool) (reading, sessionId) = new SessionPoolTrackReader(context.Session).Read(notes);
        else reading = new PoolTrackTableReader(context.Session).Read(notes);
        var all = reading.Rows;
        if (PoolTagDescriptions.For(context.Session, notes) is { } tags)
            all = [.. all.Select(r => r with { Description = tags.Describe(r.Tag) })];
        var sort = (flags & 2) != 0 ? PoolUsedSort.NonPagedBytes : (flags & 4) != 0 ? PoolUsedSort.PagedBytes : PoolUsedSort.Tag;
        IEnumerable<PoolTagUsage> rows = all.Where(r => pattern == null || TagPattern.Matches(pattern, r.Tag));
        rows = sort switch
        {
            PoolUsedSort.NonPagedBytes => rows.OrderByDescending(r => r.NonPagedBytes).ThenBy(r => r.Tag, StringComparer.Ordinal),
            PoolUsedSort.PagedBytes => rows.OrderByDescending(r => r.PagedBytes).ThenBy(r => r.Tag, StringComparer.Ordinal),
            _ => rows.OrderBy(r => r.Tag, StringComparer.Ordinal),
        };
        if (top is int n) rows = rows.Take(n);
        var totalNonPaged = all.Aggregate(PoolTagCounters.Zero, (a, r) => a.Add(r.NonPaged));
        var totalPaged = all.Aggregate(PoolTagCounters.Zero, (a, r) => a.Add(r.Paged));
        return new PoolUsedResult(sort, (flags & 1) != 0, sessionPool ? PoolUsedPool.Session : PoolUsedPool.Standard, sessionId,
            [.. rows], totalNonPaged, totalPaged, reading.Sources, notes);
    }

    // "/t5", "/t 5" anywhere; then Flags (hex) and TagString by position, as WinDbg reads them.
    private static (ulong Flags, int? Top, string? Pattern) Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        ulong flags = 0;
        int? top = null;
        string? pattern = null;
        int positional = 0;
        for (int i = 0; i < words.Length; i++)
        {
            string w = words[i];
            if (w.StartsWith("/t", StringComparison.OrdinalIgnoreCase) || w.StartsWith("-t", StringComparison.OrdinalIgnoreCase))
            {
                string count = w.Length > 2 ? w[2..] : i + 1 < words.Length ? words[++i] : throw new CommandException("!poolused: /t needs a count");
                if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int c)) throw new CommandException($"!poolused: bad /t count '{count}'");
                top = c;
            }
            else if (positional++ == 0)
            {
                string hex = w.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? w[2..] : w;
                if (!ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out flags)) throw new CommandException($"!poolused: bad flags '{w}'");
            }
            else if (positional == 2) pattern = w;
            else throw new CommandException($"!poolused: unexpected argument '{w}'");
        }
        return (flags, top, pattern);
    }
}
