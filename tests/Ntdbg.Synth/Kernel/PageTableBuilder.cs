namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Builds real x64 4-level page tables in a <see cref="SyntheticPhysicalMemory"/>: 4 KiB, 2 MiB and
/// 1 GiB mappings, and raw (non-present) PTE values for transition, page-file and prototype PTEs.
/// Entries: present bit 0, writable bit 1, PS bit 7, frame bits 12..51.
/// </summary>
public sealed class PageTableBuilder
{
    public const ulong Present = 1, Writable = 2, LargePage = 0x80;
    private const ulong FrameMask = 0x000F_FFFF_FFFF_F000;
    private readonly SyntheticPhysicalMemory _memory;
    private readonly Dictionary<ulong, ulong> _virtualPages = new(); // va page → pfn, for WriteVirtual

    public PageTableBuilder(SyntheticPhysicalMemory memory)
    {
        _memory = memory;
        Pml4Pfn = memory.AllocatePage();
    }

    public ulong Pml4Pfn { get; }
    /// <summary>CR3 value (add PCID bits in the low 12 bits to test masking).</summary>
    public ulong Cr3 => Pml4Pfn << 12;

    private static int Index(ulong va, int shift) => (int)((va >> shift) & 0x1ff);

    /// <summary>The physical address of the entry for <paramref name="va"/> at the level whose index starts at <paramref name="shift"/>, creating upper tables.</summary>
    public ulong EntryAddress(ulong va, int shift)
    {
        ulong table = Pml4Pfn << 12;
        for (int s = 39; s > shift; s -= 9)
        {
            ulong entryPa = table + (ulong)Index(va, s) * 8;
            ulong entry = _memory.ReadUInt64(entryPa);
            if ((entry & Present) == 0)
            {
                ulong pfn = _memory.AllocatePage();
                entry = (pfn << 12) | Present | Writable;
                _memory.WriteUInt64(entryPa, entry);
            }
            table = entry & FrameMask;
        }
        return table + (ulong)Index(va, shift) * 8;
    }

    /// <summary>Maps one 4 KiB page to <paramref name="pfn"/>.</summary>
    public void Map4K(ulong va, ulong pfn)
    {
        _memory.WriteUInt64(EntryAddress(va, 12), (pfn << 12) | Present | Writable);
        _virtualPages[va & ~0xFFFUL] = pfn;
    }

    /// <summary>Maps <paramref name="pages"/> fresh pages from <paramref name="va"/> on and returns the first frame.</summary>
    public ulong AllocateAndMap(ulong va, int pages)
    {
        ulong first = 0;
        for (int i = 0; i < pages; i++)
        {
            ulong pfn = _memory.AllocatePage();
            if (i == 0) first = pfn;
            Map4K(va + (ulong)i * 0x1000, pfn);
        }
        return first;
    }

    /// <summary>Whether <paramref name="va"/>'s page was mapped with <see cref="Map4K"/>/<see cref="AllocateAndMap"/>.</summary>
    public bool IsMapped(ulong va) => _virtualPages.ContainsKey(va & ~0xFFFUL);

    /// <summary>Maps fresh pages from <paramref name="va"/> on, skipping pages already mapped (globals and code share the kernel image's pages).</summary>
    public void EnsureMapped(ulong va, int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            ulong page = (va & ~0xFFFUL) + (ulong)i * 0x1000;
            if (!IsMapped(page)) Map4K(page, _memory.AllocatePage());
        }
    }

    /// <summary>A 2 MiB page (PDE with PS) at a 2 MiB aligned physical address.</summary>
    public void Map2M(ulong va, ulong physicalAddress) =>
        _memory.WriteUInt64(EntryAddress(va, 21), (physicalAddress & FrameMask & ~0x1F_FFFFUL) | Present | Writable | LargePage);

    /// <summary>A 1 GiB page (PDPTE with PS) at a 1 GiB aligned physical address.</summary>
    public void Map1G(ulong va, ulong physicalAddress) =>
        _memory.WriteUInt64(EntryAddress(va, 30), (physicalAddress & FrameMask & ~0x3FFF_FFFFUL) | Present | Writable | LargePage);

    /// <summary>Writes any raw value as the entry for <paramref name="va"/> at the level indexed from bit <paramref name="shift"/> (39, 30, 21, 12).</summary>
    public void SetEntry(ulong va, int shift, ulong rawEntry) => _memory.WriteUInt64(EntryAddress(va, shift), rawEntry);

    /// <summary>Writes any raw value as the PTE of <paramref name="va"/> (transition, page file, prototype...).</summary>
    public void SetPte(ulong va, ulong rawPte) => _memory.WriteUInt64(EntryAddress(va, 12), rawPte);

    /// <summary>Transition PTE: not present, bit 11 set, bit 10 clear, frame kept.</summary>
    public static ulong TransitionPte(ulong pfn) => (pfn << 12) | 0x800 | (4 << 5);
    /// <summary>Page-file PTE: PageFileHigh (bits 32..63) holds the offset, protection in bits 5..9.</summary>
    public static ulong PageFilePte(uint pageFileOffset) => ((ulong)pageFileOffset << 32) | (4 << 5) | (1 << 1);
    /// <summary>Prototype PTE: bit 10 set.</summary>
    public static ulong PrototypePte(ulong protoAddressBits) => (protoAddressBits << 16) | 0x400;

    /// <summary>Writes bytes through mappings made with <see cref="Map4K"/>/<see cref="AllocateAndMap"/>.</summary>
    public void WriteVirtual(ulong va, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong a = va + (ulong)done;
            int inPage = (int)(a & 0xFFF);
            int n = Math.Min(0x1000 - inPage, data.Length - done);
            if (!_virtualPages.TryGetValue(a & ~0xFFFUL, out ulong pfn)) throw new InvalidOperationException($"0x{a:x} is not mapped by this builder");
            _memory.Write((pfn << 12) + (ulong)inPage, data.Slice(done, n));
            done += n;
        }
    }

    public void WriteVirtualUInt64(ulong va, ulong value) => WriteVirtual(va, BitConverter.GetBytes(value));
}
