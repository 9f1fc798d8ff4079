using System.Globalization;
using System.Text;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// The cell-level grammar of PDH CSV/TSV logs, on UTF-8 bytes: quoted or bare cells split by the
/// separator, sample timestamps (<c>MM/dd/yyyy HH:mm:ss.fff</c>) and values (invariant numbers;
/// blank or <c>" "</c> means no value).
/// </summary>
internal static class PdhCells
{
    /// <summary>
    /// The next cell from <paramref name="pos"/>; afterwards pos is past the separator, or
    /// line.Length + 1 after the last cell. Quoted content comes back without its quotes, doubled
    /// quotes still doubled (<paramref name="escaped"/> says so).
    /// </summary>
    public static bool NextCell(ReadOnlySpan<byte> line, ref int pos, byte separator, out ReadOnlySpan<byte> cell, out bool escaped, out string? error)
    {
        escaped = false;
        error = null;
        int p = pos;
        if (p < line.Length && line[p] == '"')
        {
            int q = p + 1;
            while (true)
            {
                int k = line[q..].IndexOf((byte)'"');
                if (k < 0)
                {
                    cell = default;
                    error = "a quoted cell has no closing quote";
                    return false;
                }
                q += k;
                if (q + 1 < line.Length && line[q + 1] == '"')
                {
                    escaped = true;
                    q += 2;
                    continue;
                }
                break;
            }
            cell = line[(p + 1)..q];
            p = q + 1;
            if (p < line.Length && line[p] != separator)
            {
                error = $"text after a closing quote at column {p + 1}";
                return false;
            }
        }
        else
        {
            int k = line[p..].IndexOf(separator);
            int e = k < 0 ? line.Length : p + k;
            cell = line[p..e];
            p = e;
        }
        pos = p + 1;
        return true;
    }

    public static string Text(ReadOnlySpan<byte> cell, bool escaped)
    {
        string s = Encoding.UTF8.GetString(cell);
        return escaped ? s.Replace("\"\"", "\"", StringComparison.Ordinal) : s;
    }

    private static readonly double[] Pow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

    /// <summary>
    /// A sample value: blank or spaces (PDH's " " for "no value") is NaN. Plain decimals of up to
    /// 15 digits take an exact fast path (mantissa and power of ten are exact doubles, so one
    /// division rounds correctly); anything else goes through the invariant parser, and a
    /// decimal comma ("1,5", a comma-locale typeperf) is read as a point.
    /// </summary>
    public static bool TryParseValue(ReadOnlySpan<byte> s, out double value)
    {
        s = s.Trim((byte)' ');
        if (s.IsEmpty)
        {
            value = double.NaN;
            return true;
        }
        int i = 0;
        bool negative = false;
        if (s[0] == '-') { negative = true; i = 1; }
        ulong mantissa = 0;
        int digits = 0, fraction = -1;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d <= 9)
            {
                if (digits == 15) return Slow(s, out value);
                mantissa = mantissa * 10 + d;
                digits++;
                if (fraction >= 0) fraction++;
            }
            else if (s[i] == '.' && fraction < 0) fraction = 0;
            else return Slow(s, out value);
        }
        if (digits == 0) return Slow(s, out value);
        double v = mantissa;
        if (fraction > 0) v /= Pow10[fraction];
        value = negative ? -v : v;
        return true;
    }

    /// <summary>
    /// The common cell in one pass: <c>"digits[.digits]"</c> (up to 15 digits, optional minus) or
    /// <c>" "</c>, followed by the separator or the line's end. Anything else returns false with
    /// <paramref name="pos"/> unchanged, and the caller takes the general path.
    /// </summary>
    public static bool TryQuotedPlainValue(ReadOnlySpan<byte> line, ref int pos, byte separator, out double value)
    {
        value = 0;
        int p = pos;
        if ((uint)(p + 2) >= (uint)line.Length || line[p] != '"') return false;
        p++;
        if (line[p] == ' ' && line[p + 1] == '"')
        {
            p += 2;
            value = double.NaN;
        }
        else
        {
            bool negative = line[p] == '-';
            if (negative) p++;
            ulong mantissa = 0;
            int digits = 0, fraction = -1;
            while (p < line.Length)
            {
                uint d = (uint)(line[p] - '0');
                if (d <= 9)
                {
                    mantissa = mantissa * 10 + d;
                    digits++;
                    if (fraction >= 0) fraction++;
                }
                else if (line[p] == '.' && fraction < 0) fraction = 0;
                else break;
                p++;
            }
            if (digits == 0 || digits > 15 || p >= line.Length || line[p] != '"') return false;
            p++;
            double v = mantissa;
            if (fraction > 0) v /= Pow10[fraction];
            value = negative ? -v : v;
        }
        if (p < line.Length && line[p] != separator) return false;
        pos = p + 1;
        return true;
    }

    private static bool Slow(ReadOnlySpan<byte> s, out double value)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        int comma = s.IndexOf((byte)',');
        if (comma < 0 || s.LastIndexOf((byte)',') != comma || s.Contains((byte)'.') || s.Length > 64) return false;
        Span<byte> copy = stackalloc byte[s.Length];
        s.CopyTo(copy);
        copy[comma] = (byte)'.';
        return double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// A sample time, <c>MM/dd/yyyy HH:mm:ss.fff</c> as PDH writes it whatever the locale (one- or
    /// two-digit month, day, hour, minute and second, 0 to 7 fraction digits accepted).
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> s, out DateTime time)
    {
        time = default;
        s = s.Trim((byte)' ');
        int p = 0;
        if (!Number(s, ref p, 2, out int month) || !Expect(s, ref p, '/')
            || !Number(s, ref p, 2, out int day) || !Expect(s, ref p, '/')
            || !Number(s, ref p, 4, out int year) || !Expect(s, ref p, ' ')
            || !Number(s, ref p, 2, out int hour) || !Expect(s, ref p, ':')
            || !Number(s, ref p, 2, out int minute) || !Expect(s, ref p, ':')
            || !Number(s, ref p, 2, out int second))
            return false;
        long ticks = 0;
        if (p < s.Length)
        {
            if (s[p++] != '.') return false;
            int start = p;
            if (!Number(s, ref p, 7, out int fraction) || p != s.Length) return false;
            ticks = fraction * (long)Pow10[7 - (p - start)];
        }
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        time = new DateTime(year, month, day, hour, minute, second).AddTicks(ticks);
        return true;
    }

    private static bool Number(ReadOnlySpan<byte> s, ref int p, int maxDigits, out int value)
    {
        value = 0;
        int start = p;
        while (p < s.Length && p - start < maxDigits && (uint)(s[p] - '0') <= 9) value = value * 10 + (s[p++] - '0');
        return p > start;
    }

    private static bool Expect(ReadOnlySpan<byte> s, ref int p, char c)
    {
        if (p >= s.Length || s[p] != c) return false;
        p++;
        return true;
    }
}
