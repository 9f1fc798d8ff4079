using System.Text;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>
/// Windows zone names from PDH headers and .blg logs resolved to IANA zones (ICU when loaded, else
/// the common-zone table; ntdbg runs with invariant globalization, so the table is what answers
/// here), checked against the recorded bias; anything else falls back to the bias as a fixed offset
/// and says so. Offsets asserted are the zones' civil offsets, known independently of ntdbg.
/// </summary>
public sealed class TimeZoneResolveTests
{
    private static readonly DateTime January = new(2024, 1, 8, 9, 0, 0), July = new(2024, 7, 8, 9, 0, 0);

    [Theory]
    [InlineData("Eastern Standard Time", 300, "2024-01-08", "America/New_York", -5, -4)]
    [InlineData("Eastern Daylight Time", 240, "2024-07-08", "America/New_York", -5, -4)]
    [InlineData("Pacific Standard Time", 480, "2024-01-08", "America/Los_Angeles", -8, -7)]
    [InlineData("Central Standard Time", 360, "2024-01-08", "America/Chicago", -6, -5)]
    [InlineData("W. Europe Standard Time", -60, "2024-01-08", "Europe/Berlin", 1, 2)]
    [InlineData("GMT Standard Time", 0, "2024-01-08", "Europe/London", 0, 1)]
    [InlineData("India Standard Time", -330, "2024-01-08", "Asia/Kolkata", 5.5, 5.5)]
    [InlineData("Tokyo Standard Time", -540, "2024-07-08", "Asia/Tokyo", 9, 9)]
    [InlineData("AUS Eastern Daylight Time", -660, "2024-01-08", "Australia/Sydney", 11, 10)]
    [InlineData("New Zealand Standard Time", -720, "2024-07-08", "Pacific/Auckland", 13, 12)]
    public void WindowsNamesResolveToTheirZone(string name, int bias, string first, string iana, double januaryHours, double julyHours)
    {
        var zone = WindowsTimeZones.Resolve(name, bias, DateTime.Parse(first, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(iana, zone.IanaId);
        Assert.NotNull(zone.Zone);
        Assert.Contains(iana, zone.How);
        // The zone's rules, not just the bias: the offset changes with daylight saving where the zone has it.
        Assert.Equal(TimeSpan.FromHours(januaryHours), zone.OffsetAt(January));
        Assert.Equal(TimeSpan.FromHours(julyHours), zone.OffsetAt(July));
    }

    [Fact]
    public void UnknownNameFallsBackToTheBiasAndSaysSo()
    {
        var zone = WindowsTimeZones.Resolve("Mars Standard Time", 120, January);
        Assert.Null(zone.Zone);
        Assert.Null(zone.IanaId);
        Assert.Equal(TimeSpan.FromHours(-2), zone.OffsetAt(January));
        Assert.Equal(TimeSpan.FromHours(-2), zone.OffsetAt(July));
        Assert.Contains("not resolved", zone.How);
        Assert.Contains("fixed offset", zone.How);
        Assert.Contains("daylight-saving changes during the log are unknown", zone.How);
    }

    [Fact]
    public void ZoneDisagreeingWithTheBiasIsNotTrusted()
    {
        var zone = WindowsTimeZones.Resolve("Pacific Standard Time", 300, January);
        Assert.Null(zone.Zone);
        Assert.Equal("America/Los_Angeles", zone.IanaId);
        Assert.Equal(TimeSpan.FromHours(-5), zone.OffsetAt(July));
        Assert.Contains("the bias is used as a fixed offset", zone.How);
    }

    [Fact]
    public void NoNameUsesTheBiasAndNoZoneAtAllIsUnknown()
    {
        Assert.Equal(TimeSpan.FromHours(-5), WindowsTimeZones.Resolve(null, 300, January).OffsetAt(July));
        var none = WindowsTimeZones.Resolve(null, null, null);
        Assert.Null(none.OffsetAt(January));
        Assert.Contains("offset unknown", none.How);
    }

    /// <summary>A relog CSV from a German machine: the dump names the zone and its IANA id.</summary>
    [Fact]
    public void PerflogDumpNamesTheResolvedZone()
    {
        const string csv = "\"(PDH-CSV 4.0) (W. Europe Standard Time)(-60)\",\"\\\\HOST\\Memory\\Pool Paged Bytes\"\r\n\"01/08/2024 09:00:00.000\",\"1000\"\r\n\"01/08/2024 09:00:15.000\",\"1001\"\r\n";
        var log = PerfCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "de.csv");
        Assert.Equal(("W. Europe Standard Time", -60), (log.TimeZone, log.TimeZoneBias));
        var text = new StringWriter();
        Ntdbg.Cli.PerfLog.PerfLogDumpText.Write(log, text);
        Assert.Contains("Zone:      'W. Europe Standard Time' is Europe/Berlin", text.ToString());
    }
}
