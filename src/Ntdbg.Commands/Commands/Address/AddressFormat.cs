using System.Globalization;

namespace Ntdbg.Commands.Commands.Address;

/// <summary>`!address`'s number formats: sizes as hex with a high`low split on 64-bit targets and a unit in parentheses.</summary>
internal static class AddressFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"7fe`6ff5a000" / "0`00001000" on 64-bit targets, "3c876000" on 32-bit ones (the summary tables).</summary>
    public static string ShortHex(ulong value, int pointerSize) =>
        pointerSize == 8 ? $"{value >> 32:x}`{value & 0xffffffff:x8}" : value.ToString("x", Inv);

    /// <summary>Pointer-wide: "000000f2`8328f000" / "0012f000" (the single-region view).</summary>
    public static string Pointer(ulong value, int pointerSize) =>
        pointerSize == 8 ? $"{value >> 32:x8}`{value & 0xffffffff:x8}" : $"{value:x8}";

    /// <summary>"( 368.000 kb)": the units of the seed's WinDbg (kb, Mb, Gb, Tb), three decimals.</summary>
    public static string Units(ulong bytes)
    {
        (double v, string unit) = bytes switch
        {
            < 1UL << 20 => (bytes / 1024.0, "kb"),
            < 1UL << 30 => (bytes / (double)(1UL << 20), "Mb"),
            < 1UL << 40 => (bytes / (double)(1UL << 30), "Gb"),
            _ => (bytes / (double)(1UL << 40), "Tb"),
        };
        return string.Format(Inv, "({0,8:F3} {1})", v, unit);
    }

    public static string Percent(double? value, int width) =>
        value is { } v ? string.Format(Inv, "{0:F2}%", v).PadLeft(width) : new string(' ', width);
}
