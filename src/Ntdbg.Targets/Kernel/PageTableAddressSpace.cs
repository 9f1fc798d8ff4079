using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;

namespace Ntdbg.Targets.Kernel;

/// <summary>The outcome of translating one virtual address.</summary>
/// <param name="PhysicalAddress">The physical address, when translation succeeded.</param>
/// <param name="PageSize">Size of the mapping page (4 KiB, 2/4 MiB, 1 GiB).</param>
/// <param name="Transition">The final PTE was a transition PTE (page still in RAM).</param>
public readonly record struct Translation(ulong PhysicalAddress, ulong PageSize, bool Transition);

/// <summary>
/// Kernel virtual memory of a full/bitmap/RDMP dump: page tables walked in the dump's physical
/// memory from a directory table base. Faults say which level's entry stopped the walk and its
/// value. Transition PTEs (<c>(pte &amp; 0xC01) == 0x800</c>) are in RAM and readable; prototype and
/// page-file PTEs are <see cref="MemoryFaultKind.PagedOut"/>.
/// </summary>
public sealed class PageTableAddressSpace : IVirtualMemory
{
    private const ulong PresentBit = 1;
    private const ulong LargePageBit = 1UL << 7;
    private const ulong PrototypeBit = 1UL << 10;
    private readonly PhysicalMemory _physical;

    public PageTableAddressSpace(PhysicalMemory physical, PagingMode mode, ulong directoryTableBase)
    {
        _physical = physical;
        Mode = mode;
        DirectoryTableBase = directoryTableBase;
        // PCID (x64) and flag bits live in CR3's low bits: mask them off.
        TableBase = directoryTableBase & mode.TableBaseMask;
    }

    public string Name => "kernel virtual memory";
    public PagingMode Mode { get; }
    public ulong DirectoryTableBase { get; }
    public ulong TableBase { get; }
    public PhysicalMemory Physical => _physical;

    /// <summary>The same physical memory and paging mode walked from another directory table base (another process).</summary>
    public PageTableAddressSpace WithDirectoryTableBase(ulong directoryTableBase) => new(_physical, Mode, directoryTableBase);

    /// <summary>True when the address can be represented (canonical on x64, 32-bit on x86).</summary>
    public bool IsValidAddress(ulong va)
    {
        if (Mode.VirtualBits == 32) return va <= uint.MaxValue;
        ulong top = va >> 47;
        return top == 0 || top == 0x1_FFFF;
    }

    /// <summary>
    /// Translates through the physical memory's <see cref="TranslationCache"/>: a hit costs one
    /// lookup, a miss walks the tables (<see cref="TryWalk"/>) and caches a success.
    /// </summary>
    public bool TryTranslate(ulong va, out Translation translation, out MemoryFault? fault)
    {
        var cache = _physical.Translations;
        if (cache.TryGet(Mode, TableBase, va, out translation))
        {
            fault = null;
            return true;
        }
        if (!TryWalk(va, out translation, out fault)) return false;
        cache.Add(Mode, TableBase, va, translation);
        return true;
    }

    /// <summary>Translates by walking the paging structures, without the cache.</summary>
    public bool TryWalk(ulong va, out Translation translation, out MemoryFault? fault)
    {
        translation = default;
        if (!IsValidAddress(va))
        {
            fault = new MemoryFault(va, MemoryFaultKind.NonCanonical,
                Mode.VirtualBits == 32 ? "address is above 4 GB on a 32-bit target" : "address is not canonical (bits 63:47 differ)", Name);
            return false;
        }
        ulong table = TableBase;
        var levels = Mode.Levels;
        for (int i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            ulong index = (va >> level.Shift) & (ulong)(level.EntryCount - 1);
            ulong entryAddress = table + index * (ulong)Mode.EntrySize;
            if (!TryReadEntry(entryAddress, out ulong entry, out var tableFault))
            {
                fault = new MemoryFault(va, tableFault!.Kind == MemoryFaultKind.Truncated ? MemoryFaultKind.Truncated : MemoryFaultKind.PhysicalPageMissing,
                    $"the {level.Name} at physical 0x{entryAddress:x} cannot be read: {tableFault.Detail}", Name);
                return false;
            }
            bool last = i == levels.Count - 1;
            if ((entry & PresentBit) == 0)
            {
                if (last && (entry & 0xC01) == 0x800)
                {
                    translation = new Translation((entry & Mode.FrameMask) | (va & 0xFFF), 0x1000, true);
                    fault = null;
                    return true;
                }
                fault = NotPresentFault(va, level, entryAddress, entry, last);
                return false;
            }
            if (level.LargePageAllowed && (entry & LargePageBit) != 0)
            {
                ulong size = level.SpanBytes;
                ulong frame = entry & Mode.FrameMask & ~(size - 1);
                if (Mode.EntrySize == 4 && size == 0x400000) frame = entry & 0xFFC0_0000UL; // 4 MiB: PSE-36 bits ignored
                translation = new Translation(frame | (va & (size - 1)), size, false);
                fault = null;
                return true;
            }
            if (last)
            {
                translation = new Translation((entry & Mode.FrameMask) | (va & 0xFFF), 0x1000, false);
                fault = null;
                return true;
            }
            table = entry & Mode.FrameMask;
        }
        fault = new MemoryFault(va, MemoryFaultKind.NotMapped, "page walk ended without a page", Name);
        return false;
    }

    private MemoryFault NotPresentFault(ulong va, PagingLevel level, ulong entryAddress, ulong entry, bool last)
    {
        string where = $"{level.Name} 0x{entry:x} at physical 0x{entryAddress:x}";
        if (entry == 0) return new MemoryFault(va, MemoryFaultKind.NotMapped, $"{where} is zero: the address is not mapped", Name);
        // A non-zero, not-present entry at any level: the page (or the paging structure below) is elsewhere.
        string what = last ? "the page" : "the paging structure it points to";
        if ((entry & PrototypeBit) != 0)
            return new MemoryFault(va, MemoryFaultKind.PagedOut, $"{where} is a prototype PTE: {what} is in a section or the page file, not in the dump", Name);
        if (Mode.EntrySize == 8 ? (entry >> 32) != 0 : (entry >> 12) != 0)
            return new MemoryFault(va, MemoryFaultKind.PagedOut, $"{where} points into the page file: {what} is not in the dump", Name);
        if (!last && (entry & 0xC01) == 0x800)
            return new MemoryFault(va, MemoryFaultKind.PagedOut, $"{where} is in transition: {what} was being paged out", Name);
        return new MemoryFault(va, MemoryFaultKind.NotMapped, $"{where} is not present (demand-zero or no-access)", Name);
    }

    /// <summary>One paging-structure entry read while translating (for `!pte`-style displays).</summary>
    public readonly record struct PagingEntry(string Level, ulong EntryAddress, ulong Value);

    /// <summary>
    /// The entries a translation of <paramref name="va"/> reads, top level first, stopping at the
    /// first one that is not present, maps a large page, or cannot be read.
    /// </summary>
    public IReadOnlyList<PagingEntry> DescribeWalk(ulong va)
    {
        var entries = new List<PagingEntry>();
        if (!IsValidAddress(va)) return entries;
        ulong table = TableBase;
        for (int i = 0; i < Mode.Levels.Count; i++)
        {
            var level = Mode.Levels[i];
            ulong entryAddress = table + ((va >> level.Shift) & (ulong)(level.EntryCount - 1)) * (ulong)Mode.EntrySize;
            if (!TryReadEntry(entryAddress, out ulong entry, out _)) break;
            entries.Add(new PagingEntry(level.Name, entryAddress, entry));
            if ((entry & PresentBit) == 0 || (level.LargePageAllowed && (entry & LargePageBit) != 0)) break;
            table = entry & Mode.FrameMask;
        }
        return entries;
    }

    internal bool TryReadEntry(ulong physicalAddress, out ulong entry, out MemoryFault? fault)
    {
        if (_physical.TryReadEntry(physicalAddress, Mode.EntrySize, out entry))
        {
            fault = null;
            return true;
        }
        if (Mode.EntrySize == 8) return _physical.TryReadUInt64(physicalAddress, out entry, out fault);
        bool ok = _physical.TryReadUInt32(physicalAddress, out uint e, out fault);
        entry = e;
        return ok;
    }

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        int done = 0;
        fault = null;
        while (done < destination.Length)
        {
            ulong va = address + (ulong)done;
            if (!TryTranslate(va, out var t, out fault)) break;
            int inPage = (int)(va & 0xFFF);
            int n = Math.Min(0x1000 - inPage, destination.Length - done);
            int got = _physical.Read(t.PhysicalAddress, destination.Slice(done, n), out var pf);
            done += got;
            if (got < n)
            {
                ulong failedVa = va + (ulong)got;
                fault = new MemoryFault(failedVa, pf!.Kind,
                    $"virtual page 0x{failedVa & ~0xFFFUL:x} maps to physical 0x{(t.PhysicalAddress + (ulong)got) & ~0xFFFUL:x}: {pf.Detail}", Name);
                break;
            }
        }
        return done;
    }

    /// <summary>
    /// Visits mapped, readable pages in [start, end). Whole tables are read once; an absent
    /// upper-level entry skips its entire span (512 GiB, 1 GiB, 2 MiB) without touching its pages.
    /// </summary>
    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        if (end <= start) return;
        // Tables a walk may read: generous for real dumps (the self-map region re-reads each table a
        // few times), finite for corrupt tables whose entries all point back at themselves.
        long budget = (long)Math.Min(4 * _physical.Pages.PresentPageCount + 4096, 1UL << 23);
        if (Mode.VirtualBits == 48)
        {
            // Two canonical halves; the hole between them has no translation.
            const ulong lowEnd = 0x0000_8000_0000_0000, highStart = 0xFFFF_8000_0000_0000;
            if (start < lowEnd && !Walk(0, TableBase, 0, start, Math.Min(end, lowEnd), visitor, ref budget)) return;
            if (end > highStart || end == 0) Walk(0, TableBase, 0, Math.Max(start, highStart), end, visitor, ref budget);
            return;
        }
        Walk(0, TableBase, 0, start, Math.Min(end, 1UL << 32), visitor, ref budget);
    }

    /// <returns>false when the visitor asked to stop.</returns>
    private bool Walk(int depth, ulong table, ulong baseVa, ulong start, ulong end, ChunkVisitor visitor, ref long budget)
    {
        var level = Mode.Levels[depth];
        bool last = depth == Mode.Levels.Count - 1;
        int entrySize = Mode.EntrySize;
        int tableBytes = level.EntryCount * entrySize;
        // Read the table in one piece when it lies inside one page (always true except the PAE PDPT, 32 bytes).
        Span<byte> buffer = tableBytes <= 4096 ? stackalloc byte[tableBytes] : new byte[tableBytes];
        if (_physical.Read(table, buffer, out _) < tableBytes) return true; // table missing: nothing readable below
        for (int i = 0; i < level.EntryCount; i++)
        {
            ulong va = baseVa | ((ulong)i << level.Shift);
            if (Mode.VirtualBits == 48 && depth == 0 && i >= 256) va |= 0xFFFF_0000_0000_0000;
            ulong spanEnd = va + level.SpanBytes; // may wrap to 0 at the top
            if (spanEnd != 0 && spanEnd <= start) continue;
            if (end != 0 && va >= end) break;
            ulong entry = entrySize == 8 ? Le.U64(buffer, i * 8) : Le.U32(buffer, i * 4);
            bool present = (entry & PresentBit) != 0;
            if (!present)
            {
                if (last && (entry & 0xC01) == 0x800)
                {
                    if (!VisitPage(va, entry & Mode.FrameMask, start, end, visitor)) return false;
                }
                continue;
            }
            if (level.LargePageAllowed && (entry & LargePageBit) != 0)
            {
                ulong frame = entry & Mode.FrameMask & ~(level.SpanBytes - 1);
                if (entrySize == 4) frame = entry & 0xFFC0_0000UL;
                if (!VisitLargePage(va, frame, level.SpanBytes, start, end, visitor)) return false;
                continue;
            }
            if (!last && --budget < 0) return false; // corrupt self-referencing tables: stop rather than hang
            if (last)
            {
                if (!VisitPage(va, entry & Mode.FrameMask, start, end, visitor)) return false;
                continue;
            }
            if (!Walk(depth + 1, entry & Mode.FrameMask, va, start, end, visitor, ref budget)) return false;
        }
        return true;
    }

    /// <summary>
    /// A large page: only the frames the dump stores are visited, found through the page map's runs,
    /// so a 1 GiB page with two saved frames costs two visits, not 262,144 lookups.
    /// </summary>
    private bool VisitLargePage(ulong va, ulong frame, ulong span, ulong start, ulong end, ChunkVisitor visitor)
    {
        ulong firstPfn = frame / 0x1000, pageCount = span / 0x1000;
        ulong skip = start > va ? (start - va) / 0x1000 : 0;
        if (skip >= pageCount) return true;
        foreach (var run in _physical.Pages.RunsFrom(firstPfn + skip))
        {
            if (run.FirstPfn >= firstPfn + pageCount) break;
            ulong runEnd = Math.Min(run.FirstPfn + run.PageCount, firstPfn + pageCount);
            for (ulong pfn = run.FirstPfn; pfn < runEnd; pfn++)
            {
                ulong pva = va + (pfn - firstPfn) * 0x1000;
                if (end != 0 && pva >= end) return true;
                if (!VisitPage(pva, pfn * 0x1000, start, end, visitor)) return false;
            }
        }
        return true;
    }

    private bool VisitPage(ulong va, ulong physicalPage, ulong start, ulong end, ChunkVisitor visitor)
    {
        if (!_physical.TryGetPage(physicalPage / 0x1000, out var page, out _)) return true;
        ulong lastInclusive = end == 0 ? ulong.MaxValue : end - 1;
        ulong from = Math.Max(va, start);
        ulong toInclusive = Math.Min(va + 0xFFF, lastInclusive);
        if (toInclusive < from) return true;
        return visitor(from, page.Slice((int)(from - va), (int)(toInclusive - from + 1)));
    }
}
