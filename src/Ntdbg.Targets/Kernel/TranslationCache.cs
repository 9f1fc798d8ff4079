namespace Ntdbg.Targets.Kernel;

/// <summary>
/// A two-way set-associative TLB for page-table walks, shared by every <see cref="PageTableAddressSpace"/>
/// over one <see cref="PhysicalMemory"/> (so the 500 processes of a dump share it). It keeps
/// successful translations only, keyed by this cache's identity, the paging mode, the table base
/// and the virtual page. A dump is read-only, so an entry never goes stale and nothing has to
/// invalidate it; the whole key is compared on lookup, so keys landing in one set make a miss,
/// never a wrong answer. The slots are plain structs (no pointer to chase on a hit) in an array
/// per thread, so no thread ever reads a slot another thread is writing: entries cannot tear.
/// </summary>
public sealed class TranslationCache
{
    /// <summary>Slots per thread (a power of two, two per set; 2 MiB): 64 Ki translations cover 256 MiB of 4 KiB pages.</summary>
    public const int Slots = 1 << SlotBits;
    private const int SlotBits = 16;
    private const ulong PageMask = ~0xFFFUL;

    private struct Slot
    {
        public ulong Owner;        // 0: empty; else the cache id and paging mode
        public ulong TableBase;
        public ulong VirtualPage;
        public ulong PhysicalKey;  // physical page | log2(page size) | 0x40 when in transition (the low 12 bits are free)
    }

    [ThreadStatic] private static Slot[]? t_slots;
    private static long s_lastId;
    private readonly ulong _id = (ulong)Interlocked.Increment(ref s_lastId) << 2;

    /// <summary>Lookups answered from the cache and lookups that walked (for benchmarks and tests; not synchronized).</summary>
    public long Hits { get; private set; }
    public long Misses { get; private set; }

    // Only the built-in modes are cached: their identity fits in two bits of the owner.
    private ulong OwnerOf(PagingMode mode) =>
        ReferenceEquals(mode, PagingMode.X64) ? _id | 1 : ReferenceEquals(mode, PagingMode.X86Pae) ? _id | 2 : ReferenceEquals(mode, PagingMode.X86) ? _id | 3 : 0;

    // Fibonacci hashing: multiply, keep the top bits (they depend on every key bit); the low bit
    // is cleared so a set is the slot pair (2n, 2n+1).
    private static int SetOf(ulong owner, ulong tableBase, ulong virtualPage) =>
        (int)((((virtualPage >> 12) + (tableBase >> 5) * 0xC2B2AE3D27D4EB4FUL + owner * 0x165667B19E3779F9UL) * 0x9E3779B97F4A7C15UL) >> (64 - SlotBits)) & ~1;

    /// <summary>The cached translation of <paramref name="va"/> (its physical address, not the page's).</summary>
    public bool TryGet(PagingMode mode, ulong tableBase, ulong va, out Translation translation)
    {
        var slots = t_slots;
        ulong owner = OwnerOf(mode);
        if (slots != null && owner != 0)
        {
            ulong page = va & PageMask;
            int set = SetOf(owner, tableBase, page);
            for (int way = 0; way < 2; way++)
            {
                ref var s = ref slots[set + way];
                if (s.VirtualPage == page && s.TableBase == tableBase && s.Owner == owner)
                {
                    ulong meta = s.PhysicalKey & 0xFFF;
                    translation = new Translation((s.PhysicalKey & PageMask) | (va & 0xFFF), 1UL << (int)(meta & 0x3F), (meta & 0x40) != 0);
                    Hits++;
                    return true;
                }
            }
        }
        Misses++;
        translation = default;
        return false;
    }

    /// <summary>Remembers a successful walk of <paramref name="va"/>; the in-page offset is dropped.</summary>
    public void Add(PagingMode mode, ulong tableBase, ulong va, Translation translation)
    {
        ulong owner = OwnerOf(mode);
        if (owner == 0 || translation.PageSize == 0 || (translation.PageSize & (translation.PageSize - 1)) != 0) return;
        var slots = t_slots ??= new Slot[Slots];
        ulong page = va & PageMask;
        int set = SetOf(owner, tableBase, page);
        // The newest entry takes the first way; the one it displaces moves to the second.
        slots[set + 1] = slots[set];
        ulong meta = (uint)System.Numerics.BitOperations.Log2(translation.PageSize) | (translation.Transition ? 0x40UL : 0UL);
        slots[set] = new Slot
        {
            Owner = owner,
            TableBase = tableBase,
            VirtualPage = page,
            PhysicalKey = (translation.PhysicalAddress & PageMask) | meta,
        };
    }
}
