namespace Ntdbg.Analyses.AddressMap;

/// <summary>`!address`'s usage classes, in the names WinDbg prints (<see cref="AddressUsageNames"/>).</summary>
public enum AddressUsage
{
    Free,
    Heap,
    /// <summary>Busy memory nothing claims (WinDbg's "&lt;unknown&gt;": VirtualAlloc'd, custom allocators, unwalked heaps).</summary>
    Unknown,
    Image,
    Stack,
    /// <summary>Known system areas that are none of the others: the shared user data page, NLS tables, activation contexts, the API set map.</summary>
    Other,
    Teb,
    Peb,
}

public static class AddressUsageNames
{
    public static string Of(AddressUsage usage) => usage switch
    {
        AddressUsage.Unknown => "<unknown>",
        AddressUsage.Teb => "TEB",
        AddressUsage.Peb => "PEB",
        _ => usage.ToString(),
    };
}

/// <summary>Where the map came from: the dump's MemoryInfoList (VirtualQuery of every region), or inferred from what the dump holds.</summary>
public enum AddressMapSource
{
    MemoryInfo,
    /// <summary>No MemoryInfoList: regions are the memory ranges the dump holds plus module images and thread stacks; free and reserved memory is unknown.</summary>
    Inferred,
}

/// <summary>
/// Who a region belongs to: a module (Image), a heap (its handle and allocator), a thread (Stack, TEB:
/// the debugger's thread index and the thread id), or a named system area (Other).
/// </summary>
public sealed record AddressOwner(
    string? Module = null,
    ulong? ModuleBase = null,
    ulong? Heap = null,
    string? HeapKind = null,
    int? ThreadIndex = null,
    uint? ThreadId = null,
    string? Area = null);

/// <summary>
/// One region of the process's address space with its usage. State, Protect, Type and the
/// allocation fields are VirtualQuery's (MEM_*, PAGE_* values); in an inferred map they are null when
/// the dump does not say (a held range is committed, its protection and type are unknown).
/// </summary>
public sealed record AddressRegion(
    ulong Base,
    ulong Size,
    AddressUsage Usage,
    uint? State,
    uint? Protect,
    uint? Type,
    ulong? AllocationBase,
    uint? AllocationProtect,
    AddressOwner? Owner)
{
    public ulong End => Base + Size;
    public bool Contains(ulong address) => address >= Base && address - Base < Size;
}

/// <summary>
/// The address space as `!address` sees it: regions in address order, none overlapping. Notes say what
/// could not be classified or read (a TEB outside the dump, heaps no walker knows) and, for an inferred
/// map, what is unknown.
/// </summary>
public sealed record AddressMap(
    AddressMapSource Source,
    int PointerSize,
    uint ProcessId,
    IReadOnlyList<AddressRegion> Regions,
    IReadOnlyList<string> Notes)
{
    /// <summary>The region holding the address, or null (binary search: regions are sorted and disjoint).</summary>
    public AddressRegion? Find(ulong address)
    {
        int lo = 0, hi = Regions.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var r = Regions[mid];
            if (address < r.Base) hi = mid - 1;
            else if (address - r.Base >= r.Size) lo = mid + 1;
            else return r;
        }
        return null;
    }
}

/// <summary>VirtualQuery's MEM_* state and type values.</summary>
public static class MemoryConstants
{
    public const uint MemCommit = 0x1000, MemReserve = 0x2000, MemFree = 0x10000;
    public const uint MemPrivate = 0x20000, MemMapped = 0x40000, MemImage = 0x1000000;

    public static string? StateName(uint state) => state switch
    {
        MemCommit => "MEM_COMMIT",
        MemReserve => "MEM_RESERVE",
        MemFree => "MEM_FREE",
        _ => null,
    };

    public static string? TypeName(uint type) => type switch
    {
        MemPrivate => "MEM_PRIVATE",
        MemMapped => "MEM_MAPPED",
        MemImage => "MEM_IMAGE",
        _ => null,
    };

    private static readonly (uint Bit, string Name)[] Protections =
    [
        (0x01, "PAGE_NOACCESS"), (0x02, "PAGE_READONLY"), (0x04, "PAGE_READWRITE"), (0x08, "PAGE_WRITECOPY"),
        (0x10, "PAGE_EXECUTE"), (0x20, "PAGE_EXECUTE_READ"), (0x40, "PAGE_EXECUTE_READWRITE"), (0x80, "PAGE_EXECUTE_WRITECOPY"),
        (0x100, "PAGE_GUARD"), (0x200, "PAGE_NOCACHE"), (0x400, "PAGE_WRITECOMBINE"),
    ];

    /// <summary>"PAGE_READWRITE | PAGE_GUARD"; unknown bits as hex; empty for 0 (reserved and free regions have no protection).</summary>
    public static string ProtectName(uint protect)
    {
        var parts = new List<string>();
        uint rest = protect;
        foreach (var (bit, name) in Protections)
            if ((protect & bit) != 0) { parts.Add(name); rest &= ~bit; }
        if (rest != 0) parts.Add($"0x{rest:x}");
        return string.Join(" | ", parts);
    }
}
