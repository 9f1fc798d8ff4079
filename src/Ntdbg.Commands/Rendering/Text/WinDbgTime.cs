using System.Globalization;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>Dates and durations the way WinDbg prints them.</summary>
public static class WinDbgTime
{
    /// <summary>"Sun Oct 23 04:09:26 2011" (ctime layout, day padded with a space).</summary>
    public static string CTime(DateTimeOffset t) =>
        $"{t.ToString("ddd MMM", CultureInfo.InvariantCulture)} {t.Day,2} {t.ToString("HH:mm:ss yyyy", CultureInfo.InvariantCulture)}";

    /// <summary>"Wed Mar  3 10:56:23.614 2021 (UTC + 1:00)": the session-time layout.</summary>
    public static string SessionTime(DateTimeOffset utc, int offsetMinutes)
    {
        var local = utc.ToOffset(TimeSpan.FromMinutes(offsetMinutes));
        string sign = offsetMinutes < 0 ? "-" : "+";
        int abs = Math.Abs(offsetMinutes);
        return $"{local.ToString("ddd MMM", CultureInfo.InvariantCulture)} {local.Day,2} {local.ToString("HH:mm:ss.fff yyyy", CultureInfo.InvariantCulture)} (UTC {sign} {abs / 60}:{abs % 60:d2})";
    }

    /// <summary>"0 days 0:00:08.765".</summary>
    public static string Duration(TimeSpan d) =>
        $"{(int)d.TotalDays} days {d.Hours}:{d.Minutes:d2}:{d.Seconds:d2}.{d.Milliseconds:d3}";

    public static DateTimeOffset FromUnix(uint seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);
}
