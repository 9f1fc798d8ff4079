namespace Ntdbg.Synth.Kernel;

/// <summary>Maps a page only where the tables do not map one yet, so globals that share a page keep what was written there.</summary>
public static class MappedPages
{
    /// <summary>Maps the 4 KiB page holding <paramref name="va"/> if its PTE is not present; returns <paramref name="va"/>.</summary>
    public static ulong Ensure(PageTableBuilder pt, SyntheticPhysicalMemory memory, ulong va)
    {
        ulong page = va & ~0xfffUL;
        if ((memory.ReadUInt64(pt.EntryAddress(page, 12)) & PageTableBuilder.Present) == 0) pt.AllocateAndMap(page, 1);
        return va;
    }
}
