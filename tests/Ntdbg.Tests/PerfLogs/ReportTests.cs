using System.Diagnostics;
using System.Text.RegularExpressions;
using Ntdbg.Charts.PerfLogs;
using Ntdbg.Cli.PerfLog;
using Ntdbg.Commands.Commands.PerfLog;
using Ntdbg.Formats.PerfLogs;
using Ntdbg.Tests.Support;
using SkiaSharp;

namespace Ntdbg.Tests.PerfLogs;

public class ReportTests
{
    private static string Report(CounterLog log, string? title = null)
    {
        var chart = new CounterChart(log, log.Series.Take(2).ToList(), new ChartOptions(null, 1100, 520));
        return PerfLogReportHtml.Render(PerfLogSummary.Of(log, log.Series), chart, title);
    }

    [Fact]
    public void Report_is_self_contained()
    {
        string html = Report(PerfLogSamples.LeakingPagedPool());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"url\((?!#)", html); // clip paths refer to ids inside the page only
        Assert.DoesNotContain("<?xml", html);
        // The only URLs are XML namespace names, never something to load.
        var urls = Regex.Matches(html, @"(?:src|href)\s*=\s*""([^""#][^""]*)""").Select(m => m.Groups[1].Value).ToList();
        Assert.Empty(urls);
        Assert.Single(Regex.Matches(html, "<svg[ >]"));
    }

    [Fact]
    public void Report_states_machine_time_zone_span_counters_and_the_missing_verdict()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        string html = Report(log);
        Assert.Contains("<td>HOST7</td>", html);
        Assert.Contains("<td>W. Europe Standard Time (UTC+01:00)</td>", html);
        Assert.Contains("<td>2026-03-14 09:30:00</td>", html);
        Assert.Contains("<td>2026-03-14 11:29:00</td>", html);
        Assert.Contains("<td>01:59:00</td>", html); // 120 one-minute samples span 119 minutes
        foreach (var s in log.Series) Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode(s.Path.ToString())}</td>", html);
        // Paged pool: 115 samples with a value, 5 missing; first 200 MB, last (200 + 2*119) MB.
        Assert.Contains("<td class=\"num\">115</td><td class=\"num\">5</td><td class=\"num\">209,715,200</td><td class=\"num\">459,276,288</td>", html);
        Assert.Matches("<section id=\"leak-verdict\" class=\"missing\">\\s*<h2>Leak verdict: MISSING</h2>", html);
    }

    [Fact]
    public void Report_escapes_what_the_log_names()
    {
        var log = PerfLogSamples.LeakingPagedPool() with { Source = "/logs/<b>evil</b>.csv" };
        string html = Report(log, title: "a & b");
        Assert.DoesNotContain("<b>evil</b>", html);
        Assert.Contains("&lt;b&gt;evil&lt;/b&gt;", html);
        Assert.Contains("<h1>a &amp; b</h1>", html);
    }

    [Fact]
    public void Report_verb_writes_the_file()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var dir = PerfLogSamples.OutputFolder(nameof(Report_verb_writes_the_file));
        string logFile = Path.Combine(dir, "host7.blg");
        File.WriteAllText(logFile, "stand-in");
        string file = Path.Combine(dir, "report.html");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(PerfLogReportVerb.Run([logFile, "-o", file, "--counter", @"\Memory\Pool*"], _ => log, output, error) == 0, error.ToString());
        Assert.Contains("3 counter(s), 2 charted, 120 sample(s)", output.ToString());
        Assert.Contains("\\\\HOST7\\Process(svchost#2)\\Handle Count", File.ReadAllText(file)); // the summary lists every counter
    }

    [ToolFact("chromium", needsSharedData: false)]
    public void Report_renders_in_headless_chromium()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var dir = PerfLogSamples.OutputFolder(nameof(Report_renders_in_headless_chromium));
        string html = Path.Combine(dir, "report.html");
        string shot = Path.Combine(dir, "report-screenshot.png");
        File.Delete(shot);
        var chart = new CounterChart(log, log.Series.Take(2).ToList(), new ChartOptions(null, 1100, 520));
        File.WriteAllText(html, PerfLogReportHtml.Render(PerfLogSummary.Of(log, log.Series), chart));

        var psi = new ProcessStartInfo(Tools.Find("chromium")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     $"--user-data-dir={Path.Combine(dir, "profile")}", $"--screenshot={shot}", "--window-size=1200,900", new Uri(html).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 2 minutes");
        }
        Assert.True(File.Exists(shot), $"no screenshot; chromium exit {p.ExitCode}: {stderr.Result}");

        using var bitmap = SKBitmap.Decode(shot);
        Assert.NotNull(bitmap);
        Assert.Equal((1200, 900), (bitmap.Width, bitmap.Height));
        int dark = 0, paged = 0;
        var pagedColor = SKColor.Parse(chart.Lines[0].Color);
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 300) dark++;
                if (Math.Abs(c.Red - pagedColor.Red) + Math.Abs(c.Green - pagedColor.Green) + Math.Abs(c.Blue - pagedColor.Blue) < 30) paged++;
            }
        Assert.True(dark > 2000, $"{dark} dark pixels: the page looks blank");
        Assert.True(paged > 100, $"{paged} pixels in the paged-pool line's colour: the inline chart did not render");
    }
}
