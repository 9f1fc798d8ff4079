using System.Buffers.Binary;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// A TIME_ZONE_INFORMATION as the .blg's logfile header holds it: bias in minutes (UTC = local +
/// bias), the standard and daylight names (on Vista and later MUI references such as
/// <c>@tzres.dll,-112</c>), and the daylight rules (month, week of the month 1-5, day of week, hour).
/// </summary>
public sealed record BlgTimeZone(
    int Bias,
    string StandardName,
    int StandardBias,
    BlgTimeZone.Transition? StandardStart,
    string DaylightName,
    int DaylightBias,
    BlgTimeZone.Transition? DaylightStart)
{
    internal const int Size = 0xAC;

    /// <summary>A yearly rule: the <see cref="Week"/>th (5 = last) <see cref="DayOfWeek"/> of <see cref="Month"/> at <see cref="Hour"/>:<see cref="Minute"/> local time.</summary>
    public sealed record Transition(int Month, int Week, DayOfWeek DayOfWeek, int Hour, int Minute)
    {
        public DateTime In(int year)
        {
            var first = new DateTime(year, Month, 1);
            int day = 1 + ((int)DayOfWeek - (int)first.DayOfWeek + 7) % 7 + 7 * (Week - 1);
            while (day > DateTime.DaysInMonth(year, Month)) day -= 7;
            return new DateTime(year, Month, day, Hour, Minute, 0);
        }
    }

    internal static BlgTimeZone Parse(ReadOnlySpan<byte> tz)
    {
        var standardName = tz.Slice(4, 64);
        var daylightName = tz.Slice(0x58, 64);
        return new BlgTimeZone(
            BinaryPrimitives.ReadInt32LittleEndian(tz),
            BlgLogHeader.ReadString(ref standardName),
            BinaryPrimitives.ReadInt32LittleEndian(tz[0x54..]),
            ParseRule(tz.Slice(0x44, 16)),
            BlgLogHeader.ReadString(ref daylightName),
            BinaryPrimitives.ReadInt32LittleEndian(tz[0xA8..]),
            ParseRule(tz.Slice(0x98, 16)));
    }

    // SYSTEMTIME in "day-in-month" form (wYear 0): month, day of week, week 1-5, hour, minute.
    private static Transition? ParseRule(ReadOnlySpan<byte> st)
    {
        int month = BinaryPrimitives.ReadUInt16LittleEndian(st[2..]);
        int dow = BinaryPrimitives.ReadUInt16LittleEndian(st[4..]);
        int week = BinaryPrimitives.ReadUInt16LittleEndian(st[6..]);
        int hour = BinaryPrimitives.ReadUInt16LittleEndian(st[8..]);
        int minute = BinaryPrimitives.ReadUInt16LittleEndian(st[10..]);
        if (month is < 1 or > 12 || dow > 6 || week is < 1 or > 5 || hour > 23 || minute > 59) return null;
        return new Transition(month, week, (DayOfWeek)dow, hour, minute);
    }

    /// <summary>Whether daylight time was in effect at <paramref name="utc"/>.</summary>
    public bool IsDaylight(DateTime utc)
    {
        if (StandardStart == null || DaylightStart == null || utc == DateTime.MinValue) return false;
        var standardLocal = utc.AddMinutes(-(Bias + StandardBias));
        var dstStart = DaylightStart.In(standardLocal.Year);
        var dstEnd = StandardStart.In(standardLocal.Year).AddMinutes(DaylightBias - StandardBias);
        return dstStart < dstEnd
            ? standardLocal >= dstStart && standardLocal < dstEnd
            : standardLocal >= dstStart || standardLocal < dstEnd; // southern hemisphere
    }

    /// <summary>Minutes to add to local time for UTC at <paramref name="utc"/> (the figure relog prints after the zone name).</summary>
    public int BiasAt(DateTime utc) => Bias + (IsDaylight(utc) ? DaylightBias : StandardBias);

    /// <summary>
    /// The zone's name in effect at <paramref name="utc"/>: the stored name, with the MUI references
    /// this reader knows replaced by their English text (others stay as the reference).
    /// </summary>
    public string NameAt(DateTime utc) => Resolve(IsDaylight(utc) ? DaylightName : StandardName);

    // tzres.dll string ids: only those established (Eastern's ids match this sample's bias and US rules).
    private static readonly Dictionary<string, string> KnownMuiNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@tzres.dll,-111"] = "Eastern Daylight Time",
        ["@tzres.dll,-112"] = "Eastern Standard Time",
    };

    private static string Resolve(string name) => KnownMuiNames.TryGetValue(name, out var english) ? english : name;
}
