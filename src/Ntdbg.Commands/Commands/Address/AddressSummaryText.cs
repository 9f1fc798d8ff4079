using Ntdbg.Analyses.AddressMap;
using static Ntdbg.Commands.Commands.Address.AddressFormat;

namespace Ntdbg.Commands.Commands.Address;

/// <summary>
/// `!address -summary` in WinDbg's layout: per table a dashed header, then rows of the name with the
/// region count ending in column 43, the size in 18 columns, its units, %ofBusy (blank for free memory)
/// and %ofTotal (blank when the address space's size is unknown). An inferred map says so first.
/// </summary>
public sealed class AddressSummaryText : Rendering.Text.TextRenderer<AddressSummaryResult>
{
    public const string UsageHeader = "--- Usage Summary ---------------- RgnCount ----------- Total Size -------- %ofBusy %ofTotal";
    public const string TypeHeader = "--- Type Summary (for busy) ------ RgnCount ----------- Total Size -------- %ofBusy %ofTotal";
    public const string StateHeader = "--- State Summary ---------------- RgnCount ----------- Total Size -------- %ofBusy %ofTotal";
    public const string ProtectHeader = "--- Protect Summary (for commit) - RgnCount ----------- Total Size -------- %ofBusy %ofTotal";
    public const string LargestHeader = "--- Largest Region by Usage ----------- Base Address -------- Region Size ----------";

    protected override void Render(AddressSummaryResult result, TextWriter o)
    {
        var s = result.Summary;
        if (s.Source == AddressMapSource.Inferred)
        {
            o.WriteLine("NOTE: inferred map (no MemoryInfoList in the dump): Free is unknown, %ofTotal is not computed, " +
                "type and state are known only for module images and held (committed) memory");
        }
        o.WriteLine();
        Table(o, UsageHeader, s.Usage, s.PointerSize);
        Table(o, TypeHeader, s.Types, s.PointerSize);
        Table(o, StateHeader, s.States, s.PointerSize);
        if (s.Protections.Count > 0) Table(o, ProtectHeader, s.Protections, s.PointerSize);
        o.WriteLine(LargestHeader);
        foreach (var l in s.Largest)
            o.WriteLine($"{Head(l.Usage, ShortHex(l.BaseAddress, s.PointerSize), 52)}{ShortHex(l.RegionSize, s.PointerSize),18} {Units(l.RegionSize)}");
        if (s.Notes.Count > 0) o.WriteLine();
        foreach (var n in s.Notes) o.WriteLine(n);
    }

    private static void Table(TextWriter o, string header, IReadOnlyList<AddressSummaryRow> rows, int pointerSize)
    {
        o.WriteLine(header);
        foreach (var r in rows) o.WriteLine(Row(r, pointerSize));
        o.WriteLine();
    }

    public static string Row(AddressSummaryRow r, int pointerSize) =>
        $"{Head(r.Name, r.RegionCount.ToString(System.Globalization.CultureInfo.InvariantCulture), 43)}" +
        $"{ShortHex(r.TotalSize, pointerSize),18} {Units(r.TotalSize)}{Percent(r.PercentOfBusy, 8)}{Percent(r.PercentOfTotal, 9)}".TrimEnd();

    /// <summary>The name, then the value right-aligned so the pair fills <paramref name="width"/> columns (one space at least).</summary>
    private static string Head(string name, string value, int width) => name + value.PadLeft(Math.Max(value.Length + 1, width - name.Length));
}
