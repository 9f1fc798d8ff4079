using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ntdbg.Charts.PerfLogs;
using Ntdbg.Cli.PerfLog;
using Ntdbg.Formats.PerfLogs;
using SkiaSharp;

namespace Ntdbg.Tests.PerfLogs;

public class ChartTests
{
    private static CounterChart PoolChart(CounterLog log, string? title = "Pool on HOST7") =>
        new(log, log.Series.Take(2).ToList(), new ChartOptions(title, 1000, 560));

    private static List<XElement> Elements(XDocument svg, string name) => svg.Descendants().Where(e => e.Name.LocalName == name).ToList();

    private static List<string> Texts(XDocument svg) => Elements(svg, "text").Select(t => t.Value.Trim()).ToList();

    // A drawn line of data, as opposed to the two-point legend swatch in the same colour.
    private static List<XElement> DataPaths(XDocument svg, string color) =>
        Elements(svg, "path")
            .Where(p => string.Equals((string?)p.Attribute("stroke"), color, StringComparison.OrdinalIgnoreCase))
            .Where(p => Regex.Matches((string?)p.Attribute("d") ?? "", "[ML]").Count > 2)
            .ToList();

    [Fact]
    public void Svg_has_one_line_per_counter_and_names_them_in_the_legend()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var chart = PoolChart(log);
        var svg = XDocument.Parse(chart.ToSvg());

        Assert.Equal(2, chart.Lines.Count);
        Assert.NotEqual(chart.Lines[0].Color, chart.Lines[1].Color);
        foreach (var line in chart.Lines) Assert.Single(DataPaths(svg, line.Color));

        var texts = Texts(svg);
        Assert.Contains(@"\\HOST7\Memory\Pool Paged Bytes", texts);
        Assert.Contains(@"\\HOST7\Memory\Pool Nonpaged Bytes", texts);
        Assert.Contains("Pool on HOST7", texts);
        Assert.Contains("MB", texts); // value axis label: the byte counters are scaled
        Assert.Contains("Time (W. Europe Standard Time)", texts);
    }

    [Fact]
    public void Svg_line_breaks_where_the_log_holds_no_value()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var chart = PoolChart(log);
        var svg = XDocument.Parse(chart.ToSvg());

        // Paged pool has a hole (NaN samples 40..44): its line is two runs; non-paged has none.
        string paged = (string)DataPaths(svg, chart.Lines[0].Color).Single().Attribute("d")!;
        string nonpaged = (string)DataPaths(svg, chart.Lines[1].Color).Single().Attribute("d")!;
        Assert.Equal(2, paged.Count(c => c == 'M'));
        Assert.Equal(1, nonpaged.Count(c => c == 'M'));
        Assert.Equal(log.Timestamps.Count - 5, paged.Count(c => c is 'M' or 'L'));
    }

    [Fact]
    public void Value_axis_ticks_are_in_the_scaled_unit_and_time_ticks_come_from_the_log()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var svg = XDocument.Parse(PoolChart(log).ToSvg());
        var texts = Texts(svg);

        // Values run 80 MB..438 MB: in MB the ticks stay within a few hundred, not hundreds of millions.
        var numbers = texts.Select(t => double.TryParse(t, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var v) ? v : (double?)null)
            .OfType<double>().ToList();
        Assert.True(numbers.Count >= 3, string.Join(" | ", texts));
        Assert.InRange(numbers.Max(), 300, 600);

        // Time ticks: clock times within the log's span (09:30..11:29), none outside it.
        var clock = texts.Where(t => Regex.IsMatch(t, @"^\d{2}:\d{2}$")).Select(t => TimeSpan.ParseExact(t, @"hh\:mm", CultureInfo.InvariantCulture)).ToList();
        Assert.True(clock.Count >= 3, string.Join(" | ", texts));
        Assert.All(clock, t => Assert.InRange(t, new TimeSpan(9, 30, 0), new TimeSpan(11, 29, 0)));
    }

    [Fact]
    public void Png_decodes_at_the_asked_size_and_shows_the_lines()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var chart = PoolChart(log);
        byte[] png = chart.ToPng();
        File.WriteAllBytes(Path.Combine(PerfLogSamples.OutputFolder(nameof(ChartTests)), "pool.png"), png);

        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(1000, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(560, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var background = bitmap.GetPixel(0, 0);
        int notBackground = 0;
        var perLine = chart.Lines.ToDictionary(l => l.Color, _ => 0);
        var colors = chart.Lines.ToDictionary(l => l.Color, l => SKColor.Parse(l.Color));
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (p != background) notBackground++;
                foreach (var (name, c) in colors)
                    if (Math.Abs(p.Red - c.Red) + Math.Abs(p.Green - c.Green) + Math.Abs(p.Blue - c.Blue) < 40) perLine[name]++;
            }
        Assert.True(notBackground > 5000, $"{notBackground} non-background pixels");
        // Each line is drawn in its own colour across the plot (well beyond the legend swatch).
        Assert.All(perLine, kv => Assert.True(kv.Value > 200, $"{kv.Key}: {kv.Value} pixels"));
    }

    [Fact]
    public void Counts_are_not_scaled_as_bytes()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        Assert.Equal("MB", ValueScale.For(log.Series.Take(2).ToList()).AxisLabel);
        Assert.Equal("value", ValueScale.For([log.Series[2]]).AxisLabel);
        var big = new CounterSeries(new CounterPath(null, "Objects", null, "Events"), [1e9, 2e9]);
        Assert.Equal(("value (millions)", 1e6), (ValueScale.For([big]).AxisLabel, ValueScale.For([big]).Divisor));
        var rate = new CounterSeries(new CounterPath(null, "Network Interface", "eth0", "Bytes Total/sec"), [5e6, 9e6]);
        Assert.Equal("KB/s", ValueScale.For([rate]).AxisLabel);
    }

    [Fact]
    public void A_counter_without_any_value_or_a_single_sample_still_draws()
    {
        var empty = new CounterLog("x.csv", null, [PerfLogSamples.Start, PerfLogSamples.Start.AddSeconds(15)],
            [new CounterSeries(PerfLogSamples.Paged, [double.NaN, double.NaN])]);
        var svg = XDocument.Parse(new CounterChart(empty, empty.Series, new ChartOptions()).ToSvg());
        Assert.Contains(@"\\HOST7\Memory\Pool Paged Bytes", Texts(svg));
        Assert.Contains("Time (the log's local clock)", Texts(svg));

        var one = PerfLogSamples.LeakingPagedPool(samples: 1);
        Assert.StartsWith("<", new CounterChart(one, one.Series, new ChartOptions()).ToSvg().TrimStart());
    }

    [Fact]
    public void Chart_verb_writes_svg_and_png_and_rejects_bad_requests_in_one_line()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var dir = PerfLogSamples.OutputFolder(nameof(Chart_verb_writes_svg_and_png_and_rejects_bad_requests_in_one_line));
        string logFile = Path.Combine(dir, "host7.csv");
        File.WriteAllText(logFile, "stand-in: the loader below returns the in-memory log");
        CounterLog Load(string _) => log;

        foreach (var name in new[] { "chart.svg", "chart.png" })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            string file = Path.Combine(dir, name);
            int rc = PerfLogChartVerb.Run([logFile, "--counter", @"\Memory\Pool Paged Bytes", @"\\host7\memory\pool nonpaged*", "-o", file, "--title", "t"], Load, output, error);
            Assert.True(rc == 0, error.ToString());
            Assert.True(new FileInfo(file).Length > 1000);
            Assert.Contains("2 counter(s), 120 sample(s), values in MB", output.ToString());
        }

        var err = new StringWriter();
        Assert.Equal(1, PerfLogChartVerb.Run([logFile, "--counter", @"\Memory\Cache Bytes", "-o", Path.Combine(dir, "x.svg")], Load, TextWriter.Null, err));
        Assert.Equal(@"ntdbg perflog chart: no counter in /logs/host7-pool.blg matches '\Memory\Cache Bytes'", err.ToString().Trim());

        err = new StringWriter();
        Assert.Equal(1, PerfLogChartVerb.Run([logFile, "-o", Path.Combine(dir, "x.gif")], Load, TextWriter.Null, err));
        Assert.Contains("written as .svg or .png", err.ToString());

        err = new StringWriter();
        Assert.Equal(2, PerfLogChartVerb.Run([logFile, "--counter", "-o", "x.svg"], Load, TextWriter.Null, err));
        Assert.StartsWith("ntdbg perflog chart: --counter needs at least one counter path", err.ToString());

        err = new StringWriter();
        Assert.Equal(1, PerfLogChartVerb.Run([Path.Combine(dir, "absent.blg"), "-o", "x.svg"], Load, TextWriter.Null, err));
        Assert.Contains("no log", err.ToString());
    }
}
