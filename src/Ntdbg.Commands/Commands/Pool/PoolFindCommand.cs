using System.Globalization;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// !poolfind TagString|0xTagValue [PoolType]: every pool allocation with a tag. The big page
/// table (nt!PoolBigPageTable) is searched on every build; small blocks come from the kernel's
/// small-allocation walker (<see cref="IPoolPageWalker"/>), which finds the pool pages among
/// the kernel pages the dump holds. PoolType: 0 nonpaged (default), 1 paged; special (2) and
/// session (4) pools are not searched (a note says so). TagString takes * and ? as !poolused does.
/// </summary>
[Command("!poolfind", Summary = "Find pool allocations with a tag", Usage = "!poolfind TagString|0xTagValue [PoolType]", Scope = CommandScope.Kernel)]
public sealed class PoolFindCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        if (context.Args.AtEnd) throw new CommandException("!poolfind: usage: !poolfind TagString|0xTagValue [PoolType]");
        string tag = context.Args.ReadWord();
        uint? value = null;
        if (tag.StartsWith("0x", StringComparison.Ordinal)) // "0X" is a tag string, as WinDbg documents
        {
            if (!uint.TryParse(tag[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint v)) throw new CommandException($"!poolfind: bad tag value '{tag}'");
            value = v;
        }
        else if (!tag.Contains('*') && tag.Length > 4) throw new CommandException($"!poolfind: tag '{tag}' is longer than four characters");
        ulong type = context.Args.TryReadExpression() ?? 0;
        if (!context.Args.AtEnd) throw new CommandException($"!poolfind: unexpected '{context.Args.Rest}'");
        if (type is not (0 or 1 or 2 or 4)) throw new CommandException($"!poolfind: pool type {type:x} is not 0 (nonpaged), 1 (paged), 2 (special) or 4 (session)");
        var pool = (PoolFindPool)type;
        bool Wanted(PoolChunk c) => value is uint v ? (c.Tag & 0x7fffffff) == (v & 0x7fffffff) : TagPattern.Matches(tag, c.TagText);

        var notes = new List<string>();
        var big = new BigPoolTableReader(context.Session).Read(notes);
        var bigHits = big?.Allocations.Where(Wanted).OrderBy(c => c.Address).ToList() ?? [];
        if (pool is PoolFindPool.Special or PoolFindPool.Session)
        {
            notes.Add($"searching the {pool.ToString().ToLowerInvariant()} pool's small blocks is not supported: only the big page table was searched");
            return new PoolFindResult(tag, value, pool, big?.Start, big?.End, bigHits, false, [], notes);
        }
        var walker = PoolPageWalkers.For(context.Session, notes);
        bool paged = pool == PoolFindPool.Paged;
        var blocks = walker?.Chunks(notes).Where(c => c.Paged == paged && Wanted(c)).ToList() ?? [];
        return new PoolFindResult(tag, value, pool, big?.Start, big?.End, bigHits, walker != null, blocks, notes);
    }
}
