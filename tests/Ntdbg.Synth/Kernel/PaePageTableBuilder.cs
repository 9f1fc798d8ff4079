namespace Ntdbg.Synth.Kernel;

/// <summary>
/// x86 PAE page tables: CR3 → 4 PDPTEs (32-byte aligned), page directories of 512 8-byte PDEs
/// (PS bit → 2 MiB page), page tables of 512 8-byte PTEs.
/// </summary>
public sealed class PaePageTableBuilder
{
    private const ulong Present = 1, Writable = 2, LargePage = 0x80, FrameMask = 0x000F_FFFF_FFFF_F000;
    private readonly SyntheticPhysicalMemory _memory;
    private readonly Dictionary<ulong, ulong> _virtualPages = new();

    public PaePageTableBuilder(SyntheticPhysicalMemory memory, uint pdptOffsetInPage = 0x20)
    {
        _memory = memory;
        ulong pfn = memory.AllocatePage();
        Cr3 = (pfn << 12) + pdptOffsetInPage; // PAE CR3 need only be 32-byte aligned
    }

    public ulong Cr3 { get; }

    private ulong EntryAddress(uint va, bool pageTable)
    {
        ulong pdpte = Cr3 + ((va >> 30) & 3) * 8UL;
        ulong e = _memory.ReadUInt64(pdpte);
        if ((e & Present) == 0) { e = (_memory.AllocatePage() << 12) | Present; _memory.WriteUInt64(pdpte, e); }
        ulong pde = (e & FrameMask) + ((va >> 21) & 0x1ff) * 8UL;
        if (!pageTable) return pde;
        e = _memory.ReadUInt64(pde);
        if ((e & Present) == 0) { e = (_memory.AllocatePage() << 12) | Present | Writable; _memory.WriteUInt64(pde, e); }
        return (e & FrameMask) + ((va >> 12) & 0x1ff) * 8UL;
    }

    public void Map4K(uint va, ulong pfn)
    {
        _memory.WriteUInt64(EntryAddress(va, true), (pfn << 12) | Present | Writable | (1UL << 63)); // NX set: must be masked
        _virtualPages[va & ~0xFFFu] = pfn;
    }

    public ulong AllocateAndMap(uint va, int pages)
    {
        ulong first = 0;
        for (int i = 0; i < pages; i++)
        {
            ulong pfn = _memory.AllocatePage();
            if (i == 0) first = pfn;
            Map4K(va + (uint)i * 0x1000, pfn);
        }
        return first;
    }

    public void Map2M(uint va, ulong physicalAddress) =>
        _memory.WriteUInt64(EntryAddress(va, false), (physicalAddress & ~0x1F_FFFFUL & FrameMask) | Present | Writable | LargePage);

    public void SetPte(uint va, ulong rawPte) => _memory.WriteUInt64(EntryAddress(va, true), rawPte);

    public void WriteVirtual(uint va, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            uint a = va + (uint)done;
            int inPage = (int)(a & 0xFFF);
            int n = Math.Min(0x1000 - inPage, data.Length - done);
            if (!_virtualPages.TryGetValue(a & ~0xFFFu, out ulong pfn)) throw new InvalidOperationException($"0x{a:x} is not mapped by this builder");
            _memory.Write((pfn << 12) + (ulong)inPage, data.Slice(done, n));
            done += n;
        }
    }
}
