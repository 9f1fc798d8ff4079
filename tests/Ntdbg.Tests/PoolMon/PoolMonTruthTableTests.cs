using Ntdbg.Analyses.PoolMon;
using Ntdbg.Formats.PoolMon;
using Ntdbg.Synth.PoolMon;
using Xunit.Abstractions;

namespace Ntdbg.Tests.PoolMon;

/// <summary>
/// The poolmon truth table: 216 generated series (12 seeds × 6 modifiers — none, a reboot, two
/// reboots, missing snapshots, the clock back 1 h, the clock forward 1 h — × 3 noise levels), a
/// leaking tag in two of every three, each with 80 tags of which 6 follow load. Every leak must rank
/// first as the only leak with its rate (±10%, from its last boot), every load tag must read
/// load-related, no steady tag may be a leak, and the false-leak rate over load-only tags is
/// asserted under 2%. Reboots, gaps and clock changes must be noted in the result.
/// </summary>
public sealed class PoolMonTruthTableTests(ITestOutputHelper output)
{
    public enum Modifier { None, Reboot, TwoReboots, Gaps, ClockBack, ClockForward }

    private static readonly double[] NoiseLevels = [0.01, 0.03, 0.05];

    public static IEnumerable<(int Seed, Modifier Modifier, double Noise)> Cases() =>
        from seed in Enumerable.Range(1, 12)
        from modifier in Enum.GetValues<Modifier>()
        from noise in NoiseLevels
        select (seed, modifier, noise);

    public static PoolMonSynthOptions Options(int seed, Modifier modifier, double noise)
    {
        var rng = new Random(seed * 31 + (int)modifier);
        bool leaks = seed % 3 != 0;
        return new PoolMonSynthOptions
        {
            Seed = seed * 100 + (int)modifier * 10 + Array.IndexOf(NoiseLevels, noise),
            Snapshots = 24,
            LeakTag = leaks ? (seed % 2 == 0 ? "Leak" : "Io") : null,
            LeakType = seed % 4 < 2 ? "Nonp" : "Paged",
            LeakBytesPerHour = (1 + rng.Next(8)) * 1024 * 1024,
            LeakAllocSize = 64 << rng.Next(6),
            Noise = noise,
            RebootBefore = modifier switch
            {
                Modifier.Reboot => [rng.Next(9, 16)],
                Modifier.TwoReboots => [8, 16],
                _ => [],
            },
            Missing = modifier == Modifier.Gaps ? [rng.Next(4, 9), rng.Next(12, 15), rng.Next(17, 21)] : [],
            ClockShifts = modifier switch
            {
                Modifier.ClockBack => [(rng.Next(6, 19), -1.0)],
                Modifier.ClockForward => [(rng.Next(6, 19), 1.0)],
                _ => [],
            },
        };
    }

    /// <summary>Each snapshot as its own poolmonlogN.txt (N its number, so a missing one leaves a hole), with a timestamp line, read back by the product's parser.</summary>
    public static PoolMonTrendResult Analyze(PoolMonSynthSeries synth, bool screen)
    {
        var files = synth.Snapshots.Select(s => new PoolMonFile(
            PoolMonParser.Parse(PoolMonTextWriter.Write(s, new PoolMonTextStyle { Timestamp = true, Screen = screen }), $"poolmonlog{s.Number}.txt"), null)).ToList();
        return PoolMonTrend.Analyze(PoolMonSeries.Build(files), new PoolMonTrendOptions(Top: 1000), new TrendsLeakTest(), null, null);
    }

    [Fact]
    public void EveryCaseOfTheTruthTableIsRight()
    {
        var wrong = new List<string>();
        int cases = 0, loadTags = 0, loadCalledLeak = 0, loadRelated = 0, steadyTags = 0, steadyLeak = 0, leaks = 0;
        var confusion = new Dictionary<(string Truth, PoolLeakVerdict Verdict), int>();
        foreach (var (seed, modifier, noise) in Cases())
        {
            cases++;
            var synth = PoolMonSeriesGenerator.Generate(Options(seed, modifier, noise));
            var result = Analyze(synth, screen: seed % 2 == 1);
            string name = $"seed {seed} {modifier} noise {noise}";
            var truth = synth.Truth;
            var load = truth.LoadTags.ToHashSet();
            foreach (var t in result.Tags)
            {
                string kind = t.Tag == truth.LeakTag && t.TypeText == truth.LeakType ? "leak" : load.Contains((t.Tag, t.TypeText)) ? "load" : "steady";
                confusion[(kind, t.Verdict)] = confusion.GetValueOrDefault((kind, t.Verdict)) + 1;
                if (kind == "load")
                {
                    loadTags++;
                    if (t.Verdict == PoolLeakVerdict.Leak) loadCalledLeak++;
                    if (t.Verdict == PoolLeakVerdict.LoadRelated) loadRelated++;
                    else wrong.Add($"{name}: load tag {t.Tag} {t.TypeText}: {t.Verdict} ({t.Reason})");
                }
                else if (kind == "steady")
                {
                    steadyTags++;
                    if (t.Verdict == PoolLeakVerdict.Leak) { steadyLeak++; wrong.Add($"{name}: steady tag {t.Tag} called a leak ({t.Reason})"); }
                }
            }
            if (truth.LeakTag != null)
            {
                leaks++;
                var top = result.Tags[0];
                if ((top.Tag, top.TypeText, top.Verdict) != (truth.LeakTag, truth.LeakType, PoolLeakVerdict.Leak))
                    wrong.Add($"{name}: first is {top.Tag} {top.TypeText} {top.Verdict}, the leak is {truth.LeakTag} {truth.LeakType} ({result.Tags.FirstOrDefault(t => t.Tag == truth.LeakTag)?.Reason})");
                else if (top.BytesPerUnit < 0.9 * truth.LeakBytesPerHour || top.BytesPerUnit > 1.1 * truth.LeakBytesPerHour)
                    wrong.Add($"{name}: leak rate {top.BytesPerUnit:F0} B/h, truth {truth.LeakBytesPerHour:F0}");
                if (result.Leaks.Count() != 1) wrong.Add($"{name}: {result.Leaks.Count()} leaks");
            }
            else if (result.Leaks.Any()) wrong.Add($"{name}: no leak in truth, flagged {string.Join(", ", result.Leaks.Select(l => l.Tag))}");
            // The modifiers are seen and said.
            var expectedResets = truth.RebootBefore.Select(r => synth.Snapshots.ToList().FindIndex(s => s.Number == r)).ToList();
            if (!expectedResets.SequenceEqual(result.Resets)) wrong.Add($"{name}: resets {string.Join(",", result.Resets)}, truth {string.Join(",", expectedResets)}");
            if (truth.Missing.Count > 0 && !result.Notes.Any(n => n.Contains("missing from the numbered series") && truth.Missing.All(m => n.Contains($"poolmonlog{m}"))))
                wrong.Add($"{name}: missing snapshots not noted");
            if (truth.ClockShifts.Any(c => c.Hours < 0) && !result.Notes.Any(n => n.Contains("clock goes back")))
                wrong.Add($"{name}: clock going back not noted");
            if (truth.ClockShifts.Any(c => c.Hours > 0) && !result.Notes.Any(n => n.Contains("clock set forward")))
                wrong.Add($"{name}: clock forward not noted");
        }
        output.WriteLine($"{cases} series, {leaks} with a leak; load tags: {loadTags} ({loadRelated} load-related, {loadCalledLeak} called leak); steady tags: {steadyTags} ({steadyLeak} called leak)");
        foreach (var ((truth, verdict), n) in confusion.OrderBy(c => c.Key.Truth).ThenBy(c => c.Key.Verdict)) output.WriteLine($"  truth {truth,-6} verdict {verdict,-12} {n}");
        foreach (var w in wrong.Take(40)) output.WriteLine(w);
        Assert.True(cases >= 200, $"{cases} cases");
        Assert.True(loadCalledLeak < 0.02 * loadTags, $"false-leak rate on load-only tags {loadCalledLeak}/{loadTags}");
        Assert.True(wrong.Count == 0, $"{wrong.Count} wrong, first: {string.Join(" | ", wrong.Take(5))}");
    }
}
