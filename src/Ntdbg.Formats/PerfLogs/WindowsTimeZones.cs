using System.Globalization;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// A log's time zone as resolved: the Windows zone name the PDH header or .blg gives, the IANA zone
/// it stands for (null when unresolved), the zone itself (daylight-saving rules from the system's
/// tz database), the bias the log recorded (minutes, UTC = local + bias), and how it was found, in words.
/// </summary>
public sealed record ResolvedTimeZone(string? WindowsName, string? IanaId, TimeZoneInfo? Zone, int? BiasMinutes, string How)
{
    /// <summary>The UTC offset of a local time on the log's clock: from the zone when resolved, else the recorded bias (fixed), else null.</summary>
    public TimeSpan? OffsetAt(DateTime local) =>
        Zone != null ? Zone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified))
        : BiasMinutes is int b ? TimeSpan.FromMinutes(-b) : null;
}

/// <summary>
/// Resolves Windows time zone names ("Eastern Standard Time", as in the PDH header
/// "(PDH-CSV 4.0) (Eastern Standard Time)(300)") to IANA zones. .NET on Linux maps Windows ids
/// through ICU, but ntdbg runs with invariant globalization (Directory.Build.props), where ICU is not
/// loaded and that mapping always fails; so ICU is tried first (for hosts that load it) and then a
/// table of the common Windows zones, and the zone comes from the system tz database (read without
/// ICU). A zone whose offset at the log's start disagrees with the recorded bias is not trusted.
/// Otherwise the recorded bias is used as a fixed offset, and the result says that daylight-saving
/// changes during the log are then unknown.
/// </summary>
public static class WindowsTimeZones
{
    // Windows zone id → IANA zone: the common zones (Windows' "Standard Time" ids; the daylight name is mapped to it first).
    private static readonly Dictionary<string, string> Iana = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Dateline Standard Time"] = "Etc/GMT+12",
        ["UTC"] = "Etc/UTC",
        ["Coordinated Universal Time"] = "Etc/UTC",
        ["Hawaiian Standard Time"] = "Pacific/Honolulu",
        ["Alaskan Standard Time"] = "America/Anchorage",
        ["Pacific Standard Time"] = "America/Los_Angeles",
        ["US Mountain Standard Time"] = "America/Phoenix",
        ["Mountain Standard Time"] = "America/Denver",
        ["Central Standard Time"] = "America/Chicago",
        ["Canada Central Standard Time"] = "America/Regina",
        ["Central America Standard Time"] = "America/Guatemala",
        ["Eastern Standard Time"] = "America/New_York",
        ["US Eastern Standard Time"] = "America/Indiana/Indianapolis",
        ["Atlantic Standard Time"] = "America/Halifax",
        ["Newfoundland Standard Time"] = "America/St_Johns",
        ["E. South America Standard Time"] = "America/Sao_Paulo",
        ["Argentina Standard Time"] = "America/Argentina/Buenos_Aires",
        ["GMT Standard Time"] = "Europe/London",
        ["Greenwich Standard Time"] = "Atlantic/Reykjavik",
        ["W. Europe Standard Time"] = "Europe/Berlin",
        ["Central Europe Standard Time"] = "Europe/Budapest",
        ["Romance Standard Time"] = "Europe/Paris",
        ["Central European Standard Time"] = "Europe/Warsaw",
        ["GTB Standard Time"] = "Europe/Bucharest",
        ["FLE Standard Time"] = "Europe/Kiev",
        ["Israel Standard Time"] = "Asia/Jerusalem",
        ["South Africa Standard Time"] = "Africa/Johannesburg",
        ["Russian Standard Time"] = "Europe/Moscow",
        ["Arab Standard Time"] = "Asia/Riyadh",
        ["Arabian Standard Time"] = "Asia/Dubai",
        ["Iran Standard Time"] = "Asia/Tehran",
        ["Pakistan Standard Time"] = "Asia/Karachi",
        ["India Standard Time"] = "Asia/Kolkata",
        ["Nepal Standard Time"] = "Asia/Kathmandu",
        ["SE Asia Standard Time"] = "Asia/Bangkok",
        ["China Standard Time"] = "Asia/Shanghai",
        ["Singapore Standard Time"] = "Asia/Singapore",
        ["Taipei Standard Time"] = "Asia/Taipei",
        ["Tokyo Standard Time"] = "Asia/Tokyo",
        ["Korea Standard Time"] = "Asia/Seoul",
        ["AUS Central Standard Time"] = "Australia/Darwin",
        ["Cen. Australia Standard Time"] = "Australia/Adelaide",
        ["E. Australia Standard Time"] = "Australia/Brisbane",
        ["AUS Eastern Standard Time"] = "Australia/Sydney",
        ["W. Australia Standard Time"] = "Australia/Perth",
        ["New Zealand Standard Time"] = "Pacific/Auckland",
    };

    /// <param name="name">The zone name as the log gives it (standard or daylight form), or null.</param>
    /// <param name="bias">The recorded bias in minutes (UTC = local + bias), or null.</param>
    /// <param name="firstLocal">The log's first timestamp on its own clock, to check the zone against the bias.</param>
    public static ResolvedTimeZone Resolve(string? name, int? bias, DateTime? firstLocal)
    {
        string biasText = bias is int b ? $"the recorded bias ({Offset(TimeSpan.FromMinutes(-b))})" : "no bias recorded";
        if (string.IsNullOrWhiteSpace(name))
            return new ResolvedTimeZone(null, null, null, bias, bias != null
                ? $"no zone name: {biasText} is used as a fixed offset; daylight-saving changes during the log are unknown"
                : "no time zone recorded: times are the log's local clock, offset unknown");
        string id = StandardId(name.Trim());
        var (iana, source) = ToIana(id);
        if (iana == null || Find(iana) is not { } zone)
            return new ResolvedTimeZone(name, null, null, bias,
                $"'{name}' not resolved ({(iana == null ? "not a Windows zone this build knows, and ICU is not loaded" : $"{iana} is not in this system's tz database")}): {biasText} is used as a fixed offset; daylight-saving changes during the log are unknown");
        if (bias is int recorded && firstLocal is DateTime t)
        {
            var offset = zone.GetUtcOffset(DateTime.SpecifyKind(t, DateTimeKind.Unspecified));
            if (offset != TimeSpan.FromMinutes(-recorded))
                return new ResolvedTimeZone(name, iana, null, bias,
                    $"'{name}' is {iana} ({source}), whose offset at the first sample is {Offset(offset)}, not {biasText}: the bias is used as a fixed offset");
        }
        return new ResolvedTimeZone(name, iana, zone, bias, $"'{name}' is {iana} ({source}; offset {Offset(zone.BaseUtcOffset)}{(zone.SupportsDaylightSavingTime ? ", observes daylight saving" : "")})");
    }

    /// <summary>"Eastern Daylight Time" → "Eastern Standard Time": Windows ids are the standard names.</summary>
    private static string StandardId(string name) =>
        name.EndsWith(" Daylight Time", StringComparison.OrdinalIgnoreCase) ? name[..^" Daylight Time".Length] + " Standard Time" : name;

    private static (string?, string) ToIana(string id)
    {
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var viaIcu)) return (viaIcu, "via ICU");
        return Iana.TryGetValue(id, out var known) ? (known, "ntdbg's table of common Windows zones") : (null, "");
    }

    private static TimeZoneInfo? Find(string iana)
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(iana); }
        catch (TimeZoneNotFoundException) { return null; }
        catch (InvalidTimeZoneException) { return null; }
    }

    private static string Offset(TimeSpan o) =>
        "UTC" + (o < TimeSpan.Zero ? "−" : "+") + o.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
