using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>
/// Any CounterLog written by PerfCsvWriter reads back identically (timestamps to the tick, every
/// value bit for bit, NaN where it was NaN, time zone and bias), in CSV and TSV. FsCheck is not a
/// dependency of this project, so the property runs over logs drawn from a seeded generator:
/// awkward doubles (subnormals, ±0, huge, 17-digit, infinities, NaN), sub-millisecond times,
/// machines, instances with parentheses, backslashes, '#', '/' and quotes, empty logs.
/// </summary>
public class PerfCsvRoundTripTests
{
    public static TheoryData<PerfLogDialect> Dialects() => new(PerfLogDialect.Csv, PerfLogDialect.Tsv);

    [Theory]
    [MemberData(nameof(Dialects))]
    public void RandomLogsRoundTrip(PerfLogDialect dialect)
    {
        var random = new Random(7007);
        for (int i = 0; i < 300; i++)
        {
            var log = RandomLog(random, i);
            var back = WriteAndRead(log, dialect);
            AssertSameLog(log, back, $"log {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Dialects))]
    public void WrittenTextIsRelogsLayout(PerfLogDialect dialect)
    {
        var log = new CounterLog("x", "Pacific Standard Time", [new DateTime(2024, 3, 5, 14, 7, 9, 250)],
            [new CounterSeries(CounterPathParser.Parse(@"\\SRV1\Memory\Pool Paged Bytes"), [123456789]),
             new CounterSeries(CounterPathParser.Parse(@"\\SRV1\Processor(_Total)\% Processor Time"), [double.NaN])])
        { TimeZoneBias = 480 };
        var bytes = new MemoryStream();
        PerfCsvWriter.Write(log, bytes, dialect);
        string sep = dialect == PerfLogDialect.Csv ? "," : "\t";
        string kind = dialect == PerfLogDialect.Csv ? "CSV" : "TSV";
        string expected =
            $"\"(PDH-{kind} 4.0) (Pacific Standard Time)(480)\"{sep}\"\\\\SRV1\\Memory\\Pool Paged Bytes\"{sep}\"\\\\SRV1\\Processor(_Total)\\% Processor Time\"\r\n"
            + $"\"03/05/2024 14:07:09.250\"{sep}\"123456789\"{sep}\" \"\r\n";
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(bytes.ToArray()));
    }

    [Fact]
    public void PathsThatWouldNotReadBackAreRefused()
    {
        var log = new CounterLog("x", null, [DateTime.UnixEpoch], [new CounterSeries(new CounterPath(null, "Obj", null, @"a\b"), [1])]);
        Assert.Throws<ArgumentException>(() => PerfCsvWriter.Write(log, new MemoryStream(), PerfLogDialect.Csv));
    }

    internal static CounterLog WriteAndRead(CounterLog log, PerfLogDialect dialect)
    {
        var bytes = new MemoryStream();
        PerfCsvWriter.Write(log, bytes, dialect);
        bytes.Position = 0;
        return PerfCsvReader.Read(bytes, "roundtrip." + dialect.ToString().ToLowerInvariant());
    }

    internal static void AssertSameLog(CounterLog expected, CounterLog actual, string what)
    {
        Assert.Equal(expected.TimeZone, actual.TimeZone);
        Assert.Equal(expected.TimeZoneBias, actual.TimeZoneBias);
        Assert.Equal(expected.Timestamps.Select(t => t.Ticks), actual.Timestamps.Select(t => t.Ticks));
        Assert.Equal(expected.Series.Count, actual.Series.Count);
        for (int s = 0; s < expected.Series.Count; s++)
        {
            Assert.Equal(expected.Series[s].Path, actual.Series[s].Path);
            var e = expected.Series[s].Values;
            var a = actual.Series[s].Values;
            Assert.Equal(e.Length, a.Length);
            for (int i = 0; i < e.Length; i++)
                Assert.True(double.IsNaN(e[i]) ? double.IsNaN(a[i]) : BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]),
                    $"{what}: {expected.Series[s].Path}[{i}]: wrote {e[i]:R}, read {a[i]:R}");
        }
    }

    private static readonly string[] Zones = ["Pacific Standard Time", "W. Europe Standard Time", "Coordinated Universal Time", "AUS Eastern Standard Time"];
    private static readonly string[] Objects = ["Memory", "Process", "Processor", "Paging File", "Network Interface", ".NET CLR Memory", "Server Work Queues"];
    private static readonly string[] Instances = ["_Total", "svchost#2", "explorer/12", @"\??\C:\pagefile.sys", "app (x86)", "Intel[R] Ethernet \"I219\"", "0,1", "a)b", ""];
    private static readonly string[] Counters = ["Pool Paged Bytes", "% Processor Time", "Bytes Total/sec", "Avg. Disk sec/Read", "Queue Length (x)", "# of Exceps Thrown / sec"];

    private static CounterLog RandomLog(Random r, int i)
    {
        int rows = r.Next(4) == 0 ? 0 : r.Next(1, 40);
        int columns = r.Next(0, 8);
        var start = new DateTime(2000 + r.Next(30), 1 + r.Next(12), 1 + r.Next(28), r.Next(24), r.Next(60), r.Next(60)).AddTicks(r.Next(2) == 0 ? r.Next(1000) * TimeSpan.TicksPerMillisecond : r.Next(10_000_000));
        var times = Enumerable.Range(0, rows).Select(k => start.AddTicks(k * (r.Next(2) == 0 ? TimeSpan.TicksPerSecond * 15 : r.Next(1, 1_000_000_000)))).ToList();
        var series = new List<CounterSeries>();
        for (int c = 0; c < columns; c++)
        {
            string? machine = r.Next(3) == 0 ? null : $"HOST-{r.Next(3)}";
            string? instance = r.Next(2) == 0 ? null : Instances[r.Next(Instances.Length)];
            var path = new CounterPath(machine, Objects[r.Next(Objects.Length)], instance, Counters[r.Next(Counters.Length)]);
            series.Add(new CounterSeries(path, [.. Enumerable.Range(0, rows).Select(_ => RandomValue(r))]));
        }
        string? zone = r.Next(5) == 0 ? null : Zones[r.Next(Zones.Length)];
        int? bias = r.Next(5) == 0 ? null : r.Next(-840, 721);
        return new CounterLog($"random{i}", zone, times, series) { TimeZoneBias = bias };
    }

    private static double RandomValue(Random r) => r.Next(12) switch
    {
        0 => double.NaN,
        1 => r.Next(1_000_000_000) * 4096.0,
        2 => r.NextDouble() * 100,
        3 => BitConverter.Int64BitsToDouble(r.NextInt64()) is var d && !double.IsNaN(d) ? d : 0,
        4 => double.Epsilon * r.Next(1, 100),
        5 => -0.0,
        6 => r.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity,
        7 => double.MaxValue / r.Next(1, 10),
        8 => Math.Round(r.NextDouble() * 1e6, 6),
        _ => r.NextDouble() * Math.Pow(10, r.Next(-20, 20)) * (r.Next(2) == 0 ? -1 : 1),
    };
}
