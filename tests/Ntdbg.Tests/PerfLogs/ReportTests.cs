using System.Diagnostics;
using System.Net;
using Ntdbg.Analyses.PerfLeak;
using Ntdbg.Analyses.Trends;
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
    private static string Report(CounterLog log, string? title = null, bool withLeak = true)
    {
        var chart = new CounterChart(log, log.Series.Take(2).ToList(), new ChartOptions(null, 1100, 520));
        var leak = withLeak ? PerfLeakAnalysis.Run(log, new PerfLeakOptions()) : null;
        return PerfLogReportHtml.Render(PerfLogSummary.Of(log, log.Series), chart, leak, title);
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
    public void Report_states_machine_time_zone_span_and_counters()
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
    }

    [Fact]
    public void Report_gives_each_pool_counters_verdict_with_its_reasons()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var leak = PerfLeakAnalysis.Run(log, new PerfLeakOptions());
        string html = Report(log);

        // Paged pool climbs 2 MB every minute for two hours and never falls back: that is a leak,
        // and the headline says so whatever the flat non-paged pool's verdict is.
        var paged = leak.Counters.Single(c => c.Counter == PerfLogSamples.Paged.ToString());
        Assert.Equal(LeakVerdict.Leak, paged.Verdict);
        Assert.Contains("<section id=\"leak-verdict\" class=\"verdict leak\">", html);
        Assert.Contains($"<h2>Leak verdict: {PerfLeakText.Verdict(LeakVerdict.Leak)}</h2>", html);
        Assert.Equal(2, leak.Counters.Count);
        foreach (var c in leak.Counters)
        {
            Assert.Contains($"<h3>{WebUtility.HtmlEncode(c.Counter)}: {WebUtility.HtmlEncode(PerfLeakText.Verdict(c.Verdict))}</h3>", html);
            Assert.NotEmpty(c.Reasons);
            foreach (var reason in c.Reasons) Assert.Contains($"<li>{WebUtility.HtmlEncode(reason)}</li>", html);
        }
        Assert.DoesNotContain("MISSING", html);
    }

    [Fact]
    public void Report_says_when_there_is_no_verdict()
    {
        string html = Report(PerfLogSamples.LeakingPagedPool(), withLeak: false);
        Assert.Matches("<section id=\"leak-verdict\" class=\"missing\">\\s*<h2>Leak verdict: MISSING</h2>", html);

        var noPool = PerfLogSamples.LeakingPagedPool() is var l ? l with { Series = [l.Series[2]] } : null;
        var chart = new CounterChart(noPool!, noPool!.Series, new ChartOptions());
        html = PerfLogReportHtml.Render(PerfLogSummary.Of(noPool, noPool.Series), chart, PerfLeakAnalysis.Run(noPool, new PerfLeakOptions()));
        Assert.Contains("<h2>Leak verdict: none (no pool counter in the log)</h2>", html);
        Assert.Contains($"Not in the log: {WebUtility.HtmlEncode(PerfLeakOptions.Paged)}", html);
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
        Assert.Contains("3 counter(s), 2 charted, 120 sample(s), leak verdict: Leak", output.ToString());
        Assert.Contains("\\\\HOST7\\Process(svchost#2)\\Handle Count", File.ReadAllText(file)); // the summary lists every counter
    }

    [ToolFact("chromium", needsSharedData: false)]
    public void Report_renders_in_headless_chromium()
    {
        var log = PerfLogSamples.LeakingPagedPool();
        var dir = PerfLogSamples.OutputFolder(nameof(Report_renders_in_headless_chromium));
        string html = Path.Combine(dir, "report.html");
        string shot = Path.Combine(dir, "report-screenshot.png");
        var chart = new CounterChart(log, log.Series.Take(2).ToList(), new ChartOptions(null, 1100, 520));
        File.WriteAllText(html, PerfLogReportHtml.Render(PerfLogSummary.Of(log, log.Series), chart, PerfLeakAnalysis.Run(log, new PerfLeakOptions())));

        // The first screen as a reader sees it (verdict on top), then the whole page for the chart below it.
        Screenshot(html, shot, dir, "1200,900");
        using (var first = SKBitmap.Decode(shot))
        {
            Assert.NotNull(first);
            Assert.Equal((1200, 900), (first.Width, first.Height));
            Assert.True(Count(first, c => c.Red + c.Green + c.Blue < 300) > 2000, "the first screen looks blank");
        }
        string whole = Path.Combine(dir, "report-whole-page.png");
        Screenshot(html, whole, dir, "1200,2600");
        using var page = SKBitmap.Decode(whole);
        Assert.NotNull(page);
        var pagedColor = SKColor.Parse(chart.Lines[0].Color);
        int paged = Count(page, c => Math.Abs(c.Red - pagedColor.Red) + Math.Abs(c.Green - pagedColor.Green) + Math.Abs(c.Blue - pagedColor.Blue) < 30);
        Assert.True(paged > 100, $"{paged} pixels in the paged-pool line's colour: the inline chart did not render");
    }

    private static int Count(SKBitmap bitmap, Func<SKColor, bool> match)
    {
        int n = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (match(bitmap.GetPixel(x, y))) n++;
        return n;
    }

    private static void Screenshot(string html, string png, string dir, string windowSize)
    {
        File.Delete(png);
        var psi = new ProcessStartInfo(Tools.Find("chromium")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                     $"--user-data-dir={Path.Combine(dir, "profile")}", $"--screenshot={png}", $"--window-size={windowSize}", new Uri(html).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 2 minutes");
        }
        Assert.True(File.Exists(png), $"no screenshot; chromium exit {p.ExitCode}: {stderr.Result}");
    }
}
