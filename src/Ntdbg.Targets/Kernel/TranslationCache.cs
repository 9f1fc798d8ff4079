namespace Ntdbg.Targets.Kernel;

/// <summary>
/// A two-way set-associative TLB for page-table walks, shared by every <see cref="PageTableAddressSpace"/>
/// over one <see cref="PhysicalMemory"/> (so the 500 processes of a dump share it). It keeps
/// successful translations only, keyed by paging mode, table base and virtual page. A dump is
/// read-only, so an entry never goes stale and nothing has to invalidate it; the whole key is
/// compared on lookup, so two keys landing in one set make a miss, never a wrong answer. Each
/// slot holds an immutable entry replaced as a whole, so concurrent readers see one entry or
/// another, never a torn mix.
/// </summary>
public sealed class TranslationCache
{
    /// <summary>Slots (a power of two, two per set): 64 Ki translations cover 256 MiB of 4 KiB pages.</summary>
    public const int Slots = 1 << SlotBits;
    private const int SlotBits = 16;
    private const ulong PageMask = ~0xFFFUL;

    private sealed class Entry(PagingMode mode, ulong tableBase, ulong virtualPage, Translation translation)
    {
        public readonly PagingMode Mode = mode;
        public readonly ulong TableBase = tableBase;
        public readonly ulong VirtualPage = virtualPage;
        public readonly Translation Translation = translation;
    }

    private Entry?[]? _slots; // allocated on first use: most commands translate a handful of addresses

    /// <summary>Lookups answered from the cache and lookups that walked (for benchmarks and tests).</summary>
    public long Hits { get; private set; }
    public long Misses { get; private set; }

    // Fibonacci hashing: multiply, keep the top bits (they depend on every key bit). Table bases
    // differ by whole pages and so do virtual pages, so both are shifted down before mixing.
    private static int SlotOf(ulong tableBase, ulong virtualPage) =>
        (int)((((virtualPage >> 12) + (tableBase >> 5) * 0xC2B2AE3D27D4EB4FUL) * 0x9E3779B97F4A7C15UL) >> (64 - SlotBits));

    /// <summary>The cached translation of <paramref name="va"/> (its physical address, not the page's).</summary>
    public bool TryGet(PagingMode mode, ulong tableBase, ulong va, out Translation translation)
    {
        var slots = _slots;
        ulong page = va & PageMask;
        if (slots != null)
        {
            // Two ways per set: the slot and its neighbour.
            int slot = SlotOf(tableBase, page);
            var e = slots[slot];
            if (e == null || e.VirtualPage != page || e.TableBase != tableBase || !ReferenceEquals(e.Mode, mode))
            {
                e = slots[slot ^ 1];
                if (e == null || e.VirtualPage != page || e.TableBase != tableBase || !ReferenceEquals(e.Mode, mode)) e = null;
            }
            if (e != null)
            {
                var t = e.Translation;
                translation = t with { PhysicalAddress = t.PhysicalAddress | (va & 0xFFF) };
                Hits++;
                return true;
            }
        }
        Misses++;
        translation = default;
        return false;
    }

    /// <summary>Remembers a successful walk of <paramref name="va"/>; the in-page offset is dropped.</summary>
    public void Add(PagingMode mode, ulong tableBase, ulong va, Translation translation)
    {
        var slots = _slots ??= new Entry?[Slots];
        ulong page = va & PageMask;
        int slot = SlotOf(tableBase, page);
        // The newest entry takes the first way; the one it displaces moves to the second.
        if (slots[slot] is { } older) slots[slot ^ 1] = older;
        slots[slot] = new Entry(mode, tableBase, page, translation with { PhysicalAddress = translation.PhysicalAddress & PageMask });
    }
}
