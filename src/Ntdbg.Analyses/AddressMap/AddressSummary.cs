using static Ntdbg.Analyses.AddressMap.MemoryConstants;

namespace Ntdbg.Analyses.AddressMap;

/// <summary>
/// One row of an `!address -summary` table. PercentOfBusy is null for free memory (it is not busy);
/// PercentOfTotal is null when the address space's size is unknown (an inferred map has no free regions).
/// </summary>
public sealed record AddressSummaryRow(string Name, int RegionCount, ulong TotalSize, double? PercentOfBusy, double? PercentOfTotal);

/// <summary>The largest region of one usage class.</summary>
public sealed record AddressLargestRegion(string Usage, ulong BaseAddress, ulong RegionSize);

/// <summary>
/// `!address -summary`: regions and bytes per usage class, per memory type (busy regions), per state
/// and per protection (committed regions), each table sorted by size as WinDbg sorts it, and the largest
/// region of each usage. Busy = every region that is not free.
/// </summary>
public sealed record AddressSummary(
    AddressMapSource Source,
    int PointerSize,
    IReadOnlyList<AddressSummaryRow> Usage,
    IReadOnlyList<AddressSummaryRow> Types,
    IReadOnlyList<AddressSummaryRow> States,
    IReadOnlyList<AddressSummaryRow> Protections,
    IReadOnlyList<AddressLargestRegion> Largest,
    ulong BusyBytes,
    ulong? TotalBytes,
    IReadOnlyList<string> Notes)
{
    /// <summary>Printed for a type, state or protection the dump does not record (inferred maps).</summary>
    public const string UnknownName = "<unknown>";

    public static AddressSummary Of(AddressMap map)
    {
        var busy = map.Regions.Where(r => r.Usage != AddressUsage.Free).ToList();
        ulong busyBytes = Sum(busy);
        ulong? total = map.Source == AddressMapSource.MemoryInfo ? Sum(map.Regions) : null;

        AddressSummaryRow Row(string name, IReadOnlyCollection<AddressRegion> rs, bool isBusy)
        {
            ulong size = Sum(rs);
            return new AddressSummaryRow(name, rs.Count, size,
                isBusy ? Percent(size, busyBytes) : null, total is { } t ? Percent(size, t) : null);
        }
        static List<AddressSummaryRow> Sorted(IEnumerable<AddressSummaryRow> rows) =>
            [.. rows.OrderByDescending(r => r.TotalSize).ThenBy(r => r.Name, StringComparer.Ordinal)];

        var usage = Sorted(map.Regions.GroupBy(r => r.Usage)
            .Select(g => Row(AddressUsageNames.Of(g.Key), g.ToList(), g.Key != AddressUsage.Free)));
        var types = Sorted(busy.GroupBy(r => r.Type is { } t ? TypeName(t) ?? $"0x{t:x}" : UnknownName)
            .Select(g => Row(g.Key, g.ToList(), true)));
        var states = Sorted(map.Regions.GroupBy(r => r.State is { } s ? StateName(s) ?? $"0x{s:x}" : UnknownName)
            .Select(g => Row(g.Key, g.ToList(), g.Key != "MEM_FREE")));
        var protections = Sorted(busy.Where(r => r.State == MemCommit && r.Protect != null)
            .GroupBy(r => ProtectName(r.Protect!.Value) is { Length: > 0 } n ? n : "0")
            .Select(g => Row(g.Key, g.ToList(), true)));
        var largest = map.Regions.GroupBy(r => r.Usage)
            .Select(g => g.MaxBy(r => r.Size)!)
            // In the usage table's order, as WinDbg lists them.
            .OrderBy(r => usage.FindIndex(u => u.Name == AddressUsageNames.Of(r.Usage)))
            .Select(r => new AddressLargestRegion(AddressUsageNames.Of(r.Usage), r.Base, r.Size)).ToList();
        return new AddressSummary(map.Source, map.PointerSize, usage, types, states, protections, largest, busyBytes, total, map.Notes);
    }

    private static ulong Sum(IEnumerable<AddressRegion> regions) => regions.Aggregate(0UL, (s, r) => s + r.Size);

    private static double Percent(ulong part, ulong whole) => whole == 0 ? 0 : 100.0 * part / whole;
}
