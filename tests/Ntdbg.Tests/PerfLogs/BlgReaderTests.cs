using System.Text;
using Ntdbg.Core.Errors;
using Ntdbg.Formats.PerfLogs;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>
/// The real perfmon binary log (shared/testdata/perf/SampleLog.blg, Vista, 11 samples of Memory,
/// Processor, System, disks, network and processes): what the reader decodes is checked against
/// what a plain scan of the bytes finds, and against relations between counters that only hold
/// when every counter type is cooked right.
/// </summary>
public class BlgReaderTests
{
    private const string Sample = "perf/SampleLog.blg";

    private static readonly Lazy<(CounterLog Log, BlgLogHeader Header)> Decoded = new(() => BlgReader.ReadDetailed(TestData.Shared(Sample)));

    private static CounterLog Log => Decoded.Value.Log;

    private static double[] Values(string path) =>
        Log.Series.Single(s => string.Equals(s.Path.ToString(), path, StringComparison.OrdinalIgnoreCase)).Values;

    /// <summary>Every NUL-terminated UTF-16 string of two or more printable characters in the file.</summary>
    private static HashSet<string> Utf16Strings()
    {
        var bytes = File.ReadAllBytes(TestData.Shared(Sample));
        var found = new HashSet<string>(StringComparer.Ordinal);
        var current = new StringBuilder();
        for (int parity = 0; parity < 2; parity++)
        {
            current.Clear();
            for (int i = parity; i + 1 < bytes.Length; i += 2)
            {
                char c = (char)(bytes[i] | bytes[i + 1] << 8);
                if (c == 0 && current.Length >= 1) found.Add(current.ToString());
                if (c >= 0x20 && c < 0x7f) current.Append(c);
                else current.Clear();
            }
        }
        return found;
    }

    [SharedDataFact(Sample)]
    public void MachineIsTheOneTheNameTableAndQueryName()
    {
        // The name-table and query records spell the machine as \\NAME in UTF-16.
        var machines = Utf16Strings().Where(s => s.StartsWith(@"\\", StringComparison.Ordinal)).ToHashSet();
        Assert.Single(machines);
        Assert.Equal(machines.Single().TrimStart('\\'), Assert.Single(Log.Machines));
        Assert.All(Log.Series, s => Assert.Equal(machines.Single().TrimStart('\\'), s.Path.Machine));
    }

    [SharedDataFact(Sample)]
    public void TimeZoneAgreesWithTheGapBetweenLocalSampleTimesAndTheUtcHeader()
    {
        var header = Decoded.Value.Header;
        // The samples carry local time, the ETW header UTC: their difference is the bias in effect.
        double minutes = (header.StartUtc - Log.Timestamps[0]).TotalMinutes;
        Assert.Equal(Log.TimeZoneBias!.Value, Math.Round(minutes));
        Assert.Equal(header.TimeZone.Bias + header.TimeZone.DaylightBias, Log.TimeZoneBias);
        // The stored names are MUI references the file holds verbatim; August is daylight time.
        var strings = Utf16Strings();
        Assert.Contains(header.TimeZone.DaylightName, strings);
        Assert.Contains(header.TimeZone.StandardName, strings);
        Assert.True(header.TimeZone.IsDaylight(header.StartUtc));
        Assert.False(header.TimeZone.IsDaylight(header.StartUtc.AddMonths(5)));
        Assert.Equal("Eastern Daylight Time", Log.TimeZone);
        Assert.EndsWith(".blg", header.LogFileName);
    }

    [SharedDataFact(Sample)]
    public void EveryCounterPathIsMadeOfNamesTheFileHolds()
    {
        var strings = Utf16Strings();
        Assert.NotEmpty(Log.Series);
        foreach (var s in Log.Series)
        {
            Assert.Contains(s.Path.Object, strings);
            Assert.Contains(s.Path.Counter, strings);
            if (s.Path.Instance != null) Assert.Contains(s.Path.Instance.Split('#')[0], strings);
        }
        Assert.Equal(Log.Series.Count, Log.Series.Select(s => s.Path.ToString()).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [SharedDataFact(Sample)]
    public void ObjectsAreExactlyThoseTheQueryAskedFor()
    {
        // The query record lists \\MACHINE, Object, then "*" for instance and counter, in UTF-16;
        // find "\\M\0Object\0*\0" sequences in the raw bytes.
        var bytes = File.ReadAllBytes(TestData.Shared(Sample));
        string text = Encoding.Unicode.GetString(bytes, 0, bytes.Length & ~1);
        string machine = @"\\" + Log.Machines.Single() + "\0";
        var asked = new HashSet<string>();
        for (int i = text.IndexOf(machine, StringComparison.Ordinal); i >= 0; i = text.IndexOf(machine, i + 1, StringComparison.Ordinal))
        {
            int start = i + machine.Length, end = text.IndexOf('\0', start);
            if (end > start && end + 2 < text.Length && text[end + 1] == '*' && text[end + 2] == '\0') asked.Add(text[start..end]);
        }
        Assert.Equal(8, asked.Count);
        Assert.Equal(asked.OrderBy(s => s), Log.Series.Select(s => s.Path.Object).Distinct().OrderBy(s => s));
        // Every instance of an object shows the same counters.
        foreach (var obj in Log.Series.GroupBy(s => s.Path.Object))
        {
            var perInstance = obj.GroupBy(s => s.Path.Instance).Select(g => string.Join("|", g.Select(s => s.Path.Counter))).Distinct();
            Assert.Single(perInstance);
        }
    }

    [SharedDataFact(Sample)]
    public void SampleCountAndTimestampsAtTheLogsInterval()
    {
        // Each sample record starts with the tag "BL" 03 00 at the start of an event payload.
        var bytes = File.ReadAllBytes(TestData.Shared(Sample));
        int records = 0;
        for (int i = 0; i + 4 <= bytes.Length; i++)
            if (bytes[i] == 'B' && bytes[i + 1] == 'L' && bytes[i + 2] == 3 && bytes[i + 3] == 0) records++;
        Assert.Equal(records, Log.Timestamps.Count);
        Assert.All(Log.Series, s => Assert.Equal(records, s.Values.Length));
        var steps = Log.Timestamps.Zip(Log.Timestamps.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        double median = steps.Order().ElementAt(steps.Count / 2);
        Assert.InRange(median, 1, 3600);
        Assert.All(steps, s => Assert.InRange(s, median - 1, median + 1));
        // The first sample is the log's start, the last at most one interval before its end (UTC+bias).
        var header = Decoded.Value.Header;
        Assert.InRange((header.EndUtc.AddMinutes(-Log.TimeZoneBias!.Value) - Log.Timestamps[^1]).TotalSeconds, 0, median);
    }

    [SharedDataFact(Sample)]
    public void MemoryCountersAreConsistent()
    {
        const string m = @"\\ZACH-PC\Memory\";
        var available = Values(m + "Available Bytes");
        var availableMb = Values(m + "Available MBytes");
        var committed = Values(m + "Committed Bytes");
        var limit = Values(m + "Commit Limit");
        var inUse = Values(m + "% Committed Bytes In Use");
        var pages = Values(m + "Pages/sec");
        var input = Values(m + "Pages Input/sec");
        var output = Values(m + "Pages Output/sec");
        for (int i = 0; i < Log.Timestamps.Count; i++)
        {
            // No physical-memory total in Vista's Memory object: Available stays under the commit limit.
            Assert.InRange(available[i], 1, limit[i]);
            Assert.Equal(Math.Floor(available[i] / (1 << 20)), availableMb[i]);
            Assert.InRange(committed[i], 1, limit[i]);
            // RAW_FRACTION: 100 * value / base.
            Assert.Equal(100.0 * committed[i] / limit[i], inUse[i], 0.5);
            if (i == 0)
            {
                Assert.True(double.IsNaN(pages[i]), "a rate has no value at the first sample");
                continue;
            }
            // COUNTER_COUNTER rates: Pages/sec is pages read plus pages written.
            Assert.Equal(input[i] + output[i], pages[i], 1e-6 * pages[i] + 1e-9);
        }
        foreach (var pool in new[] { "Pool Paged Bytes", "Pool Nonpaged Bytes", "Pool Paged Allocs", "Pool Nonpaged Allocs", "Pool Paged Resident Bytes" })
            Assert.All(Values(m + pool), v => Assert.True(v > 0, $"{pool} = {v}"));
    }

    [SharedDataFact(Sample)]
    public void ProcessorAndSystemCountersAreConsistent()
    {
        foreach (var cpu in Log.Series.Where(s => s.Path.Object == "Processor").Select(s => s.Path.Instance).Distinct())
        {
            string p = $@"\\ZACH-PC\Processor({cpu})\";
            var total = Values(p + "% Processor Time");
            var user = Values(p + "% User Time");
            var privileged = Values(p + "% Privileged Time");
            var idle = Values(p + "% Idle Time");
            Assert.True(double.IsNaN(total[0]));
            for (int i = 1; i < total.Length; i++)
            {
                Assert.InRange(total[i], 0, 100);
                Assert.InRange(user[i], 0, 100);
                // 100NSEC_TIMER_INV (busy = 100 - idle share) against two 100NSEC_TIMERs.
                Assert.Equal(total[i], user[i] + privileged[i], 1.0);
                Assert.InRange(idle[i], 0, 100 - total[i] + 1.0);
            }
        }
        // ELAPSED_TIME: System Up Time grows by the interval.
        var up = Values(@"\\ZACH-PC\System\System Up Time");
        for (int i = 1; i < up.Length; i++)
            Assert.Equal((Log.Timestamps[i] - Log.Timestamps[i - 1]).TotalSeconds, up[i] - up[i - 1], 0.5);
        Assert.All(Values(@"\\ZACH-PC\System\Processes"), v => Assert.InRange(v, 1, 10_000));
    }

    [SharedDataFact(Sample)]
    public void WrittenAsCsvReadsBackIdentically()
    {
        string csv = Path.Combine(Path.GetTempPath(), $"ntdbg-blg-{Guid.NewGuid():N}.csv");
        try
        {
            PerfCsvWriter.Write(Log, csv, PerfLogDialect.Csv);
            var back = PerfCsvReader.Read(csv);
            Assert.Equal(Log.TimeZone, back.TimeZone);
            Assert.Equal(Log.TimeZoneBias, back.TimeZoneBias);
            Assert.Equal(Log.Timestamps, back.Timestamps);
            Assert.Equal(Log.Series.Select(s => s.Path), back.Series.Select(s => s.Path));
            for (int i = 0; i < Log.Series.Count; i++)
                Assert.Equal(Log.Series[i].Values.Select(BitConverter.DoubleToInt64Bits), back.Series[i].Values.Select(BitConverter.DoubleToInt64Bits));
            // And the content-sniffing opener reads either.
            Assert.Equal(Log.Series.Count, PerfLogFile.Read(csv).Series.Count);
            Assert.Equal(Log.Series.Count, PerfLogFile.Read(TestData.Shared(Sample)).Series.Count);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [SharedDataFact(Sample)]
    public void DamagedLogsFailWithOneLineErrorsNeverCrashes()
    {
        var original = File.ReadAllBytes(TestData.Shared(Sample));
        // Truncated in the middle of a sample record.
        var truncated = original[..(original.Length - 0x10000 + 0x2000)];
        var e = Assert.Throws<DumpFormatException>(() => BlgReader.Read(truncated, "cut.blg"));
        Assert.StartsWith("cut.blg: offset 0x", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Throws<DumpFormatException>(() => BlgReader.Read(new byte[100], "tiny.blg"));
        Assert.Throws<DumpFormatException>(() => BlgReader.Read(new byte[0x20000], "zeros.blg"));
        var random = new Random(77);
        for (int i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            for (int k = random.Next(1, 16); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                _ = BlgReader.Read(bytes, "mutated.blg");
            }
            catch (DumpFormatException)
            {
                // expected for some mutations
            }
        }
    }

    [SharedDataFact(Sample)]
    public void CliDumpPrintsMachineZoneCountersAndCsv()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int rc = Ntdbg.Cli.PerfLog.PerfLogCommand.Run(["dump", TestData.Shared(Sample), "--counter", @"\Memory\Pool*Bytes"], output, error);
        Assert.True(rc == 0, error.ToString());
        string text = output.ToString();
        Assert.Contains("Machine:   ZACH-PC", text);
        Assert.Contains("Time zone: Eastern Daylight Time", text);
        Assert.Contains("Zone:      'Eastern Daylight Time' is America/New_York", text);
        Assert.Contains(@"\\ZACH-PC\Memory\Pool Nonpaged Bytes", text);
        Assert.DoesNotContain(@"\Processor(", text);
        var csv = text.Split('\n').SkipWhile(l => !l.StartsWith("\"(PDH-CSV", StringComparison.Ordinal)).Where(l => l.Length > 1).ToList();
        Assert.Equal(1 + Log.Timestamps.Count, csv.Count);
        Assert.Equal(2, Ntdbg.Cli.PerfLog.PerfLogCommand.Run(["nosuchverb"], output, error));
    }
}
