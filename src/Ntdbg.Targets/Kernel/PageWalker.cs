namespace Ntdbg.Targets.Kernel;

/// <summary>
/// Walks the paging structures for one address and keeps every entry it read, decoded, with the
/// entry's self-map address, so a user can see which level stops a read and why.
/// </summary>
public static class PageWalker
{
    /// <summary>PTE_BASE before Windows 10 1607 (build 14393) randomized the self-map slot.</summary>
    public const ulong LegacyX64PteBase = 0xFFFF_F680_0000_0000;
    public const uint FirstRandomizedSelfMapBuild = 14393;

    private static readonly string[] X64Names = ["PXE", "PPE", "PDE", "PTE"];

    /// <summary>
    /// The x64 self-map base when the kernel's symbols did not give one: a PML4 entry that points
    /// at the PML4 itself is the self-map (exact, from the dump's own tables); without the PML4
    /// page, builds before 14393 used the fixed 0xFFFFF68000000000; later builds stay unknown.
    /// x86 self-maps are fixed (0xC0000000).
    /// </summary>
    public static SelfMap FindSelfMap(PageTableAddressSpace space, uint build)
    {
        if (space.Mode.VirtualBits == 32) return new SelfMap(0xC000_0000, "fixed x86 self-map at C0000000");
        var table = new byte[0x1000];
        if (space.Physical.Read(space.TableBase, table, out var fault) == table.Length)
        {
            for (int i = 0; i < 512; i++)
            {
                ulong e = BitConverter.ToUInt64(table, i * 8);
                if ((e & 1) != 0 && (e & space.Mode.FrameMask) == space.TableBase)
                    return new SelfMap(SelfMapBase(i), $"PML4 entry 0x{i:x} points at the PML4 itself");
            }
        }
        string why = fault != null ? $"the PML4 page is not readable ({fault.Detail})" : "no PML4 entry points at the PML4";
        if (build != 0 && build < FirstRandomizedSelfMapBuild)
            return new SelfMap(LegacyX64PteBase, $"assumed FFFFF68000000000: build {build} predates the randomized self-map (build {FirstRandomizedSelfMapBuild}) and {why}");
        return new SelfMap(null, $"unknown: no nt!MmPteBase in the symbols and {why}");
    }

    /// <summary>PTE_BASE for self-map slot <paramref name="index"/> (sign-extended above slot 255).</summary>
    public static ulong SelfMapBase(int index) => ((ulong)index << 39) | (index >= 256 ? 0xFFFF_0000_0000_0000 : 0);

    /// <summary>The self-map address of the entry at <paramref name="depth"/> (0 = top) that maps <paramref name="va"/>.</summary>
    public static ulong? EntryVirtualAddress(PagingMode mode, ulong pteBase, ulong va, int depth)
    {
        if (mode.VirtualBits == 48)
        {
            // PTE of x = base + (x[47:12] * 8); the PDE is the PTE of the PTE, and so on up.
            ulong a = va;
            for (int level = mode.Levels.Count - 1; level >= depth; level--)
                a = pteBase + (((a & 0x0000_FFFF_FFFF_FFFF) >> 12) << 3);
            return a;
        }
        if (mode.EntrySize == 8)
        {
            // PAE: page tables at C0000000, the four page directories at C0600000; the PDPT is not in the self-map.
            return depth switch { 2 => pteBase + ((va >> 12) << 3), 1 => pteBase + 0x60_0000 + ((va >> 21) << 3), _ => null };
        }
        return depth switch { 1 => pteBase + ((va >> 12) << 2), _ => pteBase + 0x30_0000 + ((va >> 22) << 2) };
    }

    public static PageWalk Walk(PageTableAddressSpace space, ulong va, SelfMap selfMap)
    {
        var mode = space.Mode;
        var levels = new List<PageWalkLevel>();
        PageWalk Done(PageWalkEnd end, string reason, ulong? physical = null, ulong? size = null) =>
            new(va, space.DirectoryTableBase, mode.Name, mode.EntrySize, selfMap, levels, end, reason, physical, size);

        if (!space.IsValidAddress(va))
            return Done(PageWalkEnd.InvalidAddress, mode.VirtualBits == 32 ? "the address is above 4 GB on a 32-bit target" : "the address is not canonical (bits 63:47 differ)");
        ulong table = space.TableBase;
        for (int depth = 0; depth < mode.Levels.Count; depth++)
        {
            var level = mode.Levels[depth];
            string name = mode.VirtualBits == 48 ? X64Names[depth] : level.Name;
            ulong index = (va >> level.Shift) & (ulong)(level.EntryCount - 1);
            ulong entryPa = table + index * (ulong)mode.EntrySize;
            ulong? entryVa = selfMap.PteBase is ulong b ? EntryVirtualAddress(mode, b, va, depth) : null;
            if (!space.TryReadEntry(entryPa, out ulong value, out var fault))
            {
                levels.Add(new PageWalkLevel(name, entryVa, entryPa, null, null, null, fault!.Detail));
                return Done(PageWalkEnd.EntryNotInDump, $"the {name} at physical {entryPa:x} is not in the dump: {fault.Detail}");
            }
            var flags = PteFlags.Decode(value, mode.EntrySize);
            bool last = depth == mode.Levels.Count - 1;
            ulong? pfn = flags.Software is SoftwarePteKind.None or SoftwarePteKind.Transition ? (value & mode.FrameMask) >> 12 : null;
            levels.Add(new PageWalkLevel(name, entryVa, entryPa, value, flags, pfn, null));
            string at = $"{name} {value:x} at physical {entryPa:x}";
            switch (flags.Software)
            {
                case SoftwarePteKind.Zero:
                    return Done(PageWalkEnd.NotMapped, $"the {name} is zero: the address is not mapped");
                case SoftwarePteKind.DemandZero:
                    return Done(PageWalkEnd.DemandZero, $"the {at} is not valid and holds only protection {flags.Protection} ({PteFlags.ProtectionName(flags.Protection)}): demand-zero or no-access");
                case SoftwarePteKind.Prototype:
                    return Done(PageWalkEnd.Prototype, $"the {at} refers to a prototype PTE: the {(last ? "page" : "paging structure")} is in a section or the page file, not in the dump");
                case SoftwarePteKind.PageFile:
                    return Done(PageWalkEnd.PageFile, $"the {at} is paged out: page file {flags.PageFileNumber}, offset {flags.PageFileOffset:x}; the {(last ? "page" : "paging structure")} is not in the dump");
                case SoftwarePteKind.Transition when last:
                    return Done(PageWalkEnd.Transition, $"the {at} is in transition: the page is still in RAM at PFN {pfn:x}", ((value & mode.FrameMask)) | (va & 0xFFF), 0x1000);
                case SoftwarePteKind.Transition:
                    return Done(PageWalkEnd.TableInTransition, $"the {at} is in transition: the paging structure below was being paged out");
            }
            if (level.LargePageAllowed && flags.LargePage)
            {
                ulong size = level.SpanBytes;
                ulong frame = mode.EntrySize == 4 ? value & 0xFFC0_0000UL : value & mode.FrameMask & ~(size - 1);
                return Done(PageWalkEnd.LargePage, $"the {name} maps a {SizeName(size)} page", frame | (va & (size - 1)), size);
            }
            if (last)
                return Done(PageWalkEnd.Page, "the PTE maps a 4 KiB page", (value & mode.FrameMask) | (va & 0xFFF), 0x1000);
            table = value & mode.FrameMask;
        }
        return Done(PageWalkEnd.NotMapped, "the walk ended without a page");
    }

    public static string SizeName(ulong size) => size >= 0x4000_0000 ? $"{size >> 30} GiB" : size >= 0x10_0000 ? $"{size >> 20} MiB" : $"{size >> 10} KiB";
}
