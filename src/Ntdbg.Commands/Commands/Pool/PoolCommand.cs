using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// !pool Address [Flags]: the pool allocation holding an address. Addresses inside a big
/// allocation (nt!PoolBigPageTable) show that allocation; otherwise the pool page is listed
/// block by block by the kernel's small-allocation walker (<see cref="IPoolPageWalker"/>), the
/// block holding the address starred.
/// </summary>
[Command("!pool", Summary = "Show the pool page or big pool allocation holding an address", Usage = "!pool Address [Flags]", Scope = CommandScope.Kernel)]
public sealed class PoolCommand : ICommand
{
    public const string ContentsNotShown = "Flag 1 (block contents) is not supported: headers only";

    public object? Execute(CommandContext context)
    {
        if (context.Args.AtEnd) throw new CommandException("!pool: usage: !pool Address [Flags] (listing the whole pool is not supported)");
        ulong address = context.Args.ReadExpression();
        ulong flags = context.Args.TryReadExpression() ?? 0;
        if (!context.Args.AtEnd) throw new CommandException($"!pool: unexpected '{context.Args.Rest}'");
        var session = context.Session;
        var notes = new List<string>();
        if ((flags & 1) != 0) notes.Add(ContentsNotShown);

        var big = new BigPoolTableReader(session).Read(notes);
        var holding = big?.Allocations.FirstOrDefault(c => address >= c.Address && address - c.Address < Math.Max(c.Size, 1));
        if (holding != null)
            return new PoolResult(address, flags, false, holding, null, holding, Describe(context, holding, flags, notes), notes);

        bool pageAligned = (address & (ClassicPoolPageWalker.PageSize - 1)) == 0;
        var walker = PoolPageWalkers.For(session, notes);
        var page = walker?.ListPage(address, notes);
        var target = page?.Chunks.FirstOrDefault(c => address >= c.Address && address - c.Address < c.Size);
        return new PoolResult(address, flags, pageAligned, null, page, target, target == null ? null : Describe(context, target, flags, notes), notes);
    }

    private static string? Describe(CommandContext context, PoolChunk chunk, ulong flags, List<string> notes)
    {
        if ((flags & PoolResult.NoDescriptionFlag) != 0) return null;
        return PoolTagDescriptions.For(context.Session, notes)?.Describe(chunk.TagText)
            ?? Formats.PoolTags.PoolTagDatabase.UnknownText(chunk.TagText);
    }
}
