namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// `!pool Address [Flags]`: the big allocation holding the address, or the pool page holding it
/// (with <see cref="NotLargeAllocation"/> when a page-aligned address was looked up in the big
/// page table first and was not there). <see cref="Target"/> is the chunk the address falls in
/// and <see cref="Description"/> its tag's pooltag.txt line. Flags as WinDbg's: 2 shows only the
/// target chunk, 0x80000000 leaves out the tag description.
/// </summary>
public sealed record PoolResult(
    ulong Address,
    ulong Flags,
    bool NotLargeAllocation,
    PoolChunk? BigAllocation,
    PoolPageListing? Page,
    PoolChunk? Target,
    string? Description,
    IReadOnlyList<string> Notes)
{
    public const ulong OnlyTargetFlag = 0x2;
    public const ulong NoDescriptionFlag = 0x8000_0000;
}
