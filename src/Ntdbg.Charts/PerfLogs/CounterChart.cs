using Ntdbg.Formats.PerfLogs;
using ScottPlot;

namespace Ntdbg.Charts.PerfLogs;

/// <summary>The chart's picture size and heading.</summary>
public sealed record ChartOptions(string? Title = null, int Width = 1200, int Height = 600);

/// <summary>One plotted line: its counter and the colour it is drawn in (#RRGGBB, as the SVG writes it).</summary>
public sealed record ChartLine(CounterPath Path, string Color);

/// <summary>
/// A perfmon-style line chart of counter series over a log's timestamps: one line per counter,
/// time on the horizontal axis (the log's local clock), values scaled by <see cref="ValueScale"/>,
/// a legend with the counter paths below the plot, and a break in a line wherever a sample holds
/// no value (NaN), never a line drawn through zero.
/// </summary>
public sealed class CounterChart
{
    // Distinct, print-safe colours (perfmon's first few, darkened for white backgrounds).
    public static readonly IReadOnlyList<string> Palette =
        ["#D62728", "#1F77B4", "#2CA02C", "#FF7F0E", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#7F7F7F", "#BCBD22"];

    public const int MaxLines = 24;

    private readonly Plot _plot;

    public IReadOnlyList<ChartLine> Lines { get; }
    public ValueScale Scale { get; }
    public ChartOptions Options { get; }

    public CounterChart(CounterLog log, IReadOnlyList<CounterSeries> series, ChartOptions options)
    {
        if (series.Count == 0) throw new ChartException("no counters to chart");
        if (series.Count > MaxLines) throw new ChartException($"{series.Count} counters selected; a readable chart holds at most {MaxLines} (narrow --counter)");
        if (options.Width is < 200 or > 10000 || options.Height is < 150 or > 10000)
            throw new ChartException($"chart size {options.Width}x{options.Height} is outside 200x150..10000x10000");
        Options = options;
        Scale = ValueScale.For(series);

        _plot = new Plot();
        _plot.Font.Set(ChartFonts.Family());
        double[] xs = log.Timestamps.Select(t => t.ToOADate()).ToArray();
        var lines = new List<ChartLine>();
        bool anyValue = false;
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            int n = Math.Min(xs.Length, s.Values.Length); // a series never holds more points than the log has stamps
            double[] ys = new double[n];
            for (int j = 0; j < n; j++)
            {
                double v = s.Values[j];
                ys[j] = double.IsFinite(v) ? v / Scale.Divisor : double.NaN;
                anyValue |= !double.IsNaN(ys[j]);
            }
            string color = Palette[i % Palette.Count];
            var scatter = _plot.Add.Scatter(xs[..n], ys);
            scatter.Color = Color.FromHex(color);
            scatter.LineWidth = 2;
            scatter.MarkerSize = 0;
            scatter.LegendText = s.Path.ToString();
            lines.Add(new ChartLine(s.Path, color));
        }
        Lines = lines;

        _plot.Axes.DateTimeTicksBottom();
        _plot.Axes.Margins(horizontal: 0, vertical: 0.08); // like perfmon: the time axis spans the log exactly
        _plot.XLabel(log.TimeZone != null ? $"Time ({log.TimeZone})" : "Time (the log's local clock)");
        _plot.YLabel(Scale.AxisLabel);
        if (options.Title != null) _plot.Title(options.Title);
        _plot.ShowLegend(Edge.Bottom);
        if (!anyValue || xs.Length < 2) FixLimitsWithoutData(xs);
    }

    // With no value (or one sample) autoscaling has nothing to span; give the axes a sane window.
    private void FixLimitsWithoutData(double[] xs)
    {
        double left = xs.Length > 0 ? xs[0] : DateTime.UnixEpoch.ToOADate();
        double right = xs.Length > 0 ? xs[^1] : left;
        if (right <= left) { left -= 1.0 / 24 / 60; right = left + 2.0 / 24 / 60; }
        _plot.Axes.SetLimitsX(left, right);
        var limits = _plot.Axes.GetDataLimits();
        if (!double.IsFinite(limits.Bottom) || !double.IsFinite(limits.Top) || limits.Top <= limits.Bottom) _plot.Axes.SetLimitsY(0, 1);
    }

    /// <summary>The chart as a standalone SVG document.</summary>
    public string ToSvg() => _plot.GetSvgXml(Options.Width, Options.Height);

    /// <summary>The chart as PNG bytes.</summary>
    public byte[] ToPng() => _plot.GetImageBytes(Options.Width, Options.Height, ImageFormat.Png);

    /// <summary>Writes SVG or PNG by the file's extension.</summary>
    public void Save(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".svg") File.WriteAllText(path, ToSvg());
        else if (ext == ".png") File.WriteAllBytes(path, ToPng());
        else throw new ChartException($"'{path}': the chart is written as .svg or .png");
    }
}
