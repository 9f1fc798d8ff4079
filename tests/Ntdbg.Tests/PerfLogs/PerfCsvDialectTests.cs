using System.Text;
using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Each dialect in <see cref="PerfCsvSamples"/> read to the values its text holds.</summary>
public class PerfCsvDialectTests
{
    private static CounterLog Read(string text, string name) => PerfCsvReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), name);

    private static CounterLog Read(byte[] bytes, string name) => PerfCsvReader.Read(new MemoryStream(bytes), name);

    [Fact]
    public void RelogCsvReadsEveryCounterTimestampAndBlank()
    {
        var log = Read(PerfCsvSamples.RelogCsv, "relog.csv");
        Assert.Equal("Pacific Standard Time", log.TimeZone);
        Assert.Equal(480, log.TimeZoneBias);
        Assert.Equal([new DateTime(2024, 1, 15, 9, 0, 0, 123), new DateTime(2024, 1, 15, 9, 0, 15, 125), new DateTime(2024, 1, 15, 9, 0, 30, 131)], log.Timestamps);
        Assert.Equal(["WEB01", "DB02"], log.Machines);
        Assert.Equal(6, log.Series.Count);
        Assert.Equal(new CounterPath("WEB01", "Memory", null, "Pool Nonpaged Bytes"), log.Series[0].Path);
        Assert.Equal(new CounterPath("WEB01", "Process", "svchost#1", "Private Bytes"), log.Series[3].Path);
        Assert.Equal(new CounterPath("DB02", "Paging File", @"\??\C:\pagefile.sys", "% Usage"), log.Series[5].Path);
        Assert.Equal([52428800, 52432896, 52436992], log.Series[0].Values);
        // A blank cell ("") and PDH's " " are both "no value": NaN, never 0.
        Assert.True(double.IsNaN(log.Series[1].Values[2]));
        Assert.True(double.IsNaN(log.Series[2].Values[0]));
        Assert.True(double.IsNaN(log.Series[3].Values[2]));
        Assert.Equal([double.NaN, 7.8125, 15.625], log.Series[2].Values);
        Assert.Equal([12.5, 12.6, 12.7], log.Series[5].Values);
    }

    [Fact]
    public void RelogTsvReadsTheSameAsItsCsv()
    {
        var csv = Read(PerfCsvSamples.RelogCsv, "relog.csv");
        var tsv = Read(PerfCsvSamples.RelogTsv, "relog.tsv");
        Assert.Contains('\t', PerfCsvSamples.RelogTsv);
        PerfCsvRoundTripTests.AssertSameLog(csv, tsv, "tsv vs csv");
        Assert.Equal(PerfLogDialect.Tsv, PerfCsvReader.ReadHeader(WriteTemp(PerfCsvSamples.RelogTsv)).Pdh.Dialect);
    }

    [Fact]
    public void TypeperfBlankFirstLineClosingTextAndDecimalCommaAreRead()
    {
        var log = Read(PerfCsvSamples.TypeperfCsv, "typeperf.csv");
        Assert.Equal("W. Europe Standard Time", log.TimeZone);
        Assert.Equal(-60, log.TimeZoneBias);
        Assert.Equal(2, log.Timestamps.Count);
        // The clock jumps an hour (daylight saving time): timestamps are kept as the log wrote them.
        Assert.Equal(new DateTime(2024, 3, 31, 3, 0, 0, 500), log.Timestamps[1]);
        Assert.Equal([208080896, 208084992], log.Series[0].Values);
        Assert.Equal([3.125, 0], log.Series[1].Values);
    }

    [Fact]
    public void PerfmonSaveAsWithByteOrderMarkLfEndsAndExponentsIsRead()
    {
        var log = Read(PerfCsvSamples.PerfmonSaveAsCsv, "perfmon.csv");
        Assert.Equal("Coordinated Universal Time", log.TimeZone);
        Assert.Equal(0, log.TimeZoneBias);
        Assert.Equal(new CounterPath("LAB-HOST", "Memory", null, "Pool Nonpaged Bytes"), log.Series[0].Path);
        Assert.Equal([150e6, 150e6], log.Series[0].Values);
        Assert.Equal(250e6, log.Series[1].Values[0]);
        Assert.True(double.IsNaN(log.Series[1].Values[1]));
    }

    [Fact]
    public void Utf16LogIsTranscoded()
    {
        byte[] wide = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(PerfCsvSamples.RelogCsv)];
        PerfCsvRoundTripTests.AssertSameLog(Read(PerfCsvSamples.RelogCsv, "a.csv"), Read(wide, "wide.csv"), "utf-16");
    }

    [Fact]
    public void SelectorKeepsOnlyTheChosenCountersAndFilesAreReadFromDisk()
    {
        string path = WriteTemp(PerfCsvSamples.RelogCsv);
        var log = PerfCsvReader.Read(path, new CounterSelector([@"\Memory\Pool*"]));
        Assert.Equal(["\\\\WEB01\\Memory\\Pool Nonpaged Bytes", "\\\\WEB01\\Memory\\Pool Paged Bytes", "\\\\DB02\\Memory\\Pool Nonpaged Bytes"], log.Series.Select(s => s.Path.ToString()));
        Assert.Equal([31457280, 31461376, 31465472], log.Series[2].Values);
        Assert.Equal(6, PerfCsvReader.ReadHeader(path).Counters.Count);
        Assert.Equal(path, log.Source);
    }

    [Fact]
    public void HeaderOnlyLogHasNoSamples()
    {
        var log = Read("\"(PDH-CSV 4.0)\",\"\\Memory\\Available Bytes\"\r\n", "empty.csv");
        Assert.Null(log.TimeZone);
        Assert.Null(log.TimeZoneBias);
        Assert.Empty(log.Timestamps);
        Assert.Empty(Assert.Single(log.Series).Values);
    }

    [Fact]
    public void LooksLikePdhTextRecognisesEachDialect()
    {
        foreach (var seed in PerfCsvSamples.FuzzSeeds()) Assert.True(PerfCsvReader.LooksLikePdhText(seed));
        Assert.False(PerfCsvReader.LooksLikePdhText("MDMP"u8));
    }

    private static string WriteTemp(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-perfcsv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }
}
