namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes a scenario's <see cref="SyntheticPoolAllocations"/>: classic pool pages as POOL_HEADER
/// chains (PreviousSize, BlockSize in header-size units, PoolType = pool type + 1 for a block in
/// use and 0 for a free one, PoolTag; bitfield positions from the build's _POOL_HEADER), and
/// nt!PoolBigPageTable / nt!PoolBigPageTableSize with one _POOL_TRACKER_BIG_PAGES entry per big
/// allocation (Va, Key, NumberOfBytes, PoolType at the build's width or bitfield). Classic pages
/// are written only on kernels with classic pool (those with pool descriptors): a 19H1+ kernel
/// would never have them.
/// </summary>
public static class PoolAllocationWriter
{
    private const string Header = "_POOL_HEADER";
    private const string BigEntry = "_POOL_TRACKER_BIG_PAGES";

    /// <summary>Whether this build allocates small blocks from classic pool pages (it keeps the pool descriptors).</summary>
    public static bool HasClassicPool(IsfLayout layout) => layout.HasSymbol("ExpNonPagedPoolDescriptor") || layout.HasSymbol("PoolVector");

    public static void Write(KernelScenario s)
    {
        if (HasClassicPool(s.Layout))
            foreach (var page in s.PoolAllocations.Pages) WritePage(s, page);
        if (s.PoolAllocations.BigPages.Count > 0) WriteBigTable(s, s.PoolAllocations.BigPages);
    }

    private static void WritePage(KernelScenario s, SyntheticPoolPage page)
    {
        ulong unit = s.Layout.SizeOf(Header);
        if (page.Blocks.Aggregate(0UL, (a, b) => a + b.Size) != 0x1000 || page.Blocks.Any(b => b.Size == 0 || b.Size % unit != 0))
            throw new ArgumentException($"pool page {page.Va:x}: block sizes must be multiples of {unit} adding up to 0x1000");
        s.Tables.EnsureMapped(page.Va, 1);
        int index = 0;
        foreach (var (address, previous, block) in page.Laid())
        {
            var bytes = new byte[unit];
            ulong previousUnits = previous / unit + (index == page.CorruptBlock ? 1UL : 0);
            Put(s.Layout, bytes, Header, "PreviousSize", previousUnits);
            Put(s.Layout, bytes, Header, "BlockSize", block.Size / unit);
            Put(s.Layout, bytes, Header, "PoolType", block.Allocated ? (page.Paged ? 1UL : 0UL) + 1 : 0);
            Put(s.Layout, bytes, Header, "PoolTag", block.Key);
            s.Tables.WriteVirtual(address, bytes);
            index++;
        }
    }

    private static void WriteBigTable(KernelScenario s, IReadOnlyList<SyntheticBigPoolAllocation> entries)
    {
        if (!s.Layout.HasSymbol("PoolBigPageTable") || !s.Layout.HasType(BigEntry)) return;
        var w = new KernelVariableWriter(s, SyntheticPoolAllocations.BigTableVa);
        ulong entrySize = s.Layout.SizeOf(BigEntry);
        // A hash table: two empty slots after each entry, and a few at the start.
        ulong slots = (ulong)entries.Count * 3 + 3;
        ulong table = w.Allocate(entrySize * slots);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var bytes = new byte[entrySize];
            Put(s.Layout, bytes, BigEntry, "Va", e.Va | (e.Free ? 1UL : 0));
            Put(s.Layout, bytes, BigEntry, "Key", e.Key);
            Put(s.Layout, bytes, BigEntry, "NumberOfBytes", e.Size);
            Put(s.Layout, bytes, BigEntry, "PoolType", e.Paged ? 1UL : 0);
            s.Tables.WriteVirtual(table + entrySize * (ulong)(i * 3 + 3), bytes);
        }
        w.WriteVariable("PoolBigPageTable", null, null, table);
        w.WriteVariable("PoolBigPageTableSize", null, null, slots);
    }

    /// <summary>ORs a field's value into a structure's bytes at the field's offset, width and (for a bitfield) bit position.</summary>
    private static void Put(IsfLayout layout, byte[] structure, string type, string field, ulong value)
    {
        int offset = (int)layout.OffsetOf(type, field), size = layout.FieldSize(type, field);
        int bit = layout.IsBitfield(type, field) ? layout.BitPosition(type, field) : 0;
        var unit = structure.AsSpan(offset, size);
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        unit.CopyTo(b);
        ulong merged = BitConverter.ToUInt64(b) | (value << bit);
        BitConverter.TryWriteBytes(b, merged);
        b[..size].CopyTo(unit);
    }
}
