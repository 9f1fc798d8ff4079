namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>One block of a classic pool page: its size in bytes (a multiple of the header size), tag, and whether it is in use.</summary>
public sealed record SyntheticPoolBlock(ulong Size, string Tag, bool Allocated = true, bool Protected = false)
{
    /// <summary>The tag as POOL_HEADER.PoolTag holds it (bit 31 marks a protected tag).</summary>
    public uint Key => SyntheticPoolTag.KeyOf(Tag) | (Protected ? 0x80000000u : 0);
}

/// <summary>
/// A classic (pre-19H1) pool page: blocks laid end to end from the page's start, each behind a
/// POOL_HEADER; the sizes must add up to the page. <see cref="CorruptBlock"/> names a block whose
/// header is written with a wrong PreviousSize, so the chain breaks there.
/// </summary>
public sealed record SyntheticPoolPage(ulong Va, bool Paged, IReadOnlyList<SyntheticPoolBlock> Blocks, int? CorruptBlock = null)
{
    /// <summary>Each block's header address, in order.</summary>
    public IEnumerable<(ulong Address, ulong PreviousSize, SyntheticPoolBlock Block)> Laid()
    {
        ulong at = Va, previous = 0;
        foreach (var b in Blocks)
        {
            yield return (at, previous, b);
            previous = b.Size;
            at += b.Size;
        }
    }
}

/// <summary>An entry of nt!PoolBigPageTable: an allocation of a page or more (no POOL_HEADER); a freed entry keeps its tag with Va's bit 0 set.</summary>
public sealed record SyntheticBigPoolAllocation(ulong Va, ulong Size, string Tag, bool Paged = false, bool Free = false)
{
    public uint Key => SyntheticPoolTag.KeyOf(Tag);
}

/// <summary>
/// The pool allocations a scenario writes: classic pool pages (on kernels with classic pool only:
/// Windows 7 to 10 1809) and big page table entries (every build). Scenarios fill the lists;
/// <see cref="PoolAllocationWriter"/> writes them.
/// </summary>
public sealed class SyntheticPoolAllocations
{
    public List<SyntheticPoolPage> Pages { get; } = [];
    public List<SyntheticBigPoolAllocation> BigPages { get; } = [];

    /// <summary>Where the big page table is; its empty slots are spread between the entries as a hash table has them.</summary>
    public const ulong BigTableVa = 0xffffc08d5e000000;

    /// <summary>
    /// Three sound pages (two nonpaged, one paged, 'Leak' blocks in each, one freed), a page whose
    /// chain breaks at its second block, and big allocations: 'Leak' ones in both pools, a freed
    /// 'Leak' entry and another tag's.
    /// </summary>
    public static SyntheticPoolAllocations Ordinary()
    {
        var p = new SyntheticPoolAllocations();
        p.Pages.Add(new(0xfffffa8003d5e000, false, [new(0x150, "File", Protected: true), new(0x60, "Leak"), new(0xe50, "....", Allocated: false)]));
        p.Pages.Add(new(0xfffffa8003d5f000, false, [new(0x200, "Leak"), new(0x80, "Thre"), new(0x100, "Leak", Allocated: false), new(0x300, "Irp "), new(0x980, "Even")]));
        p.Pages.Add(new(0xfffff8a000123000, true, [new(0x400, "CM31"), new(0x100, "Leak"), new(0xb00, "Ntf0")]));
        p.Pages.Add(new(0xfffffa8003d61000, false, [new(0x100, "Leak"), new(0x200, "Proc"), new(0xd00, "Leak")], CorruptBlock: 1));
        p.BigPages.Add(new(0xfffffa8005800000, 0x100000, "Leak"));
        p.BigPages.Add(new(0xfffffa8005a00000, 0x3000, "Leak"));
        p.BigPages.Add(new(0xfffff8a001000000, 0x5000, "Leak", Paged: true));
        p.BigPages.Add(new(0xfffffa8005b00000, 0x2000, "Leak", Free: true));
        p.BigPages.Add(new(0xfffffa8005c00000, 0x4000, "MmSt"));
        return p;
    }

    /// <summary>Many big 'Leak' allocations (a driver leaking a page or more at a time), for leak scenarios: <paramref name="count"/> of <paramref name="size"/> bytes from <paramref name="firstVa"/>.</summary>
    public void AddBigLeak(string tag, int count, ulong size, ulong firstVa = 0xfffffa8006000000, bool paged = false)
    {
        ulong stride = (size + 0xfff) & ~0xfffUL;
        for (int i = 0; i < count; i++) BigPages.Add(new(firstVa + (ulong)i * stride, size, tag, paged));
    }
}
