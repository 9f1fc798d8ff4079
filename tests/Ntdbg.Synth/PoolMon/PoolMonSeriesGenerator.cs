namespace Ntdbg.Synth.PoolMon;

/// <summary>What a tag does over a generated series: the truth the tests compare ntdbg's ranking with.</summary>
public enum PoolMonTagKind
{
    /// <summary>Outstanding allocations grow at the chosen rate and are never given back.</summary>
    Leak,

    /// <summary>Rises and falls with a load cycle (at least two cycles over the series).</summary>
    Load,

    /// <summary>Level with noise.</summary>
    Steady,
}

/// <summary>One tag's values at one snapshot, as poolmon would print them (Diff = Allocs - Frees, Bytes = Diff × size).</summary>
public sealed record PoolMonSynthRow(string Tag, string Type, long Allocs, long Frees, long Bytes)
{
    public long Diff => Allocs - Frees;
    public long PerAlloc => Diff == 0 ? 0 : Bytes / Diff;
}

/// <summary>
/// One generated snapshot: its number in the series as collected (1-based; missing snapshots leave
/// holes), its time as the machine's clock printed it, header values (KB) and rows sorted by Bytes as poolmon -b does.
/// </summary>
public sealed record PoolMonSynthSnapshot(int Number, DateTime Time, long MemoryKb, long AvailKb, long PageFaults, long CommitKb, long PoolNonPagedKb, long PoolPagedKb,
    IReadOnlyList<PoolMonSynthRow> Rows, IReadOnlyList<long> AllocsDelta, IReadOnlyList<long> FreesDelta, IReadOnlyList<long> BytesDelta);

/// <summary>
/// The recorded truth of a series: which tag leaks (none: null) and how fast, which tags follow
/// load, and the modifiers applied: reboots (before these 1-based snapshot numbers), missing
/// snapshots (numbers never written) and clock shifts (from this number on the printed clock is off by Hours).
/// </summary>
public sealed record PoolMonSeriesTruth(string? LeakTag, string? LeakType, double LeakBytesPerHour, long LeakAllocSize,
    IReadOnlyList<(string Tag, string Type)> LoadTags, double IntervalHours, int Snapshots)
{
    public IReadOnlyList<int> RebootBefore { get; init; } = [];
    public IReadOnlyList<int> Missing { get; init; } = [];
    public IReadOnlyList<(int From, double Hours)> ClockShifts { get; init; } = [];
}

/// <summary>A generated series and its truth.</summary>
public sealed record PoolMonSynthSeries(PoolMonSeriesTruth Truth, IReadOnlyList<PoolMonSynthSnapshot> Snapshots);

/// <summary>
/// Settings of a generated series. <see cref="LeakTag"/> null: nothing leaks. <see cref="Noise"/> is
/// the share of a tag's level that comes and goes between snapshots (in-flight allocations).
/// </summary>
public sealed record PoolMonSynthOptions
{
    public int Seed { get; init; } = 1;
    public int Snapshots { get; init; } = 24;
    public double IntervalHours { get; init; } = 0.5;
    public int Tags { get; init; } = 80;
    public int LoadTags { get; init; } = 6;
    public string? LeakTag { get; init; } = "Leak";
    public string LeakType { get; init; } = "Nonp";
    public double LeakBytesPerHour { get; init; } = 4 * 1024 * 1024;
    public long LeakAllocSize { get; init; } = 1024;
    public double Noise { get; init; } = 0.02;
    public DateTime Start { get; init; } = new(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc);

    /// <summary>The machine restarts just before these 1-based snapshot numbers: Allocs and Frees count again from small totals, the leak starts over.</summary>
    public IReadOnlyList<int> RebootBefore { get; init; } = [];

    /// <summary>Snapshot numbers (1-based) that were never collected: no file, no text.</summary>
    public IReadOnlyList<int> Missing { get; init; } = [];

    /// <summary>From snapshot number From on, the printed clock is moved by Hours (DST, a clock set by hand); real time goes on.</summary>
    public IReadOnlyList<(int From, double Hours)> ClockShifts { get; init; } = [];
}

/// <summary>
/// Generates a poolmon series of many tags: a leak at a chosen rate (or none), load-driven tags
/// that rise and fall over several cycles, steady tags with noise. Counters behave as the kernel's:
/// Allocs and Frees only grow, Diff is their difference, Bytes is Diff times the tag's allocation
/// size. Written independently of ntdbg's parser (see <see cref="PoolMonTextWriter"/>).
/// </summary>
public static class PoolMonSeriesGenerator
{
    private sealed class TagModel(string tag, string type, PoolMonTagKind kind, long size, double baseCount, double amplitude, double period, double phase, long churn)
    {
        public readonly string Tag = tag, Type = type;
        public readonly PoolMonTagKind Kind = kind;
        public readonly long Size = size;
        public readonly double Base = baseCount, Amplitude = amplitude, Period = period, Phase = phase;
        public readonly long Churn = churn;
        public long Allocs, Frees;
    }

    public static PoolMonSynthSeries Generate(PoolMonSynthOptions o)
    {
        var rng = new Random(o.Seed);
        var models = new List<TagModel>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        double span = o.IntervalHours * Math.Max(1, o.Snapshots - 1);
        if (o.LeakTag != null)
        {
            used.Add(o.LeakTag + "|" + o.LeakType);
            models.Add(new TagModel(o.LeakTag, o.LeakType, PoolMonTagKind.Leak, o.LeakAllocSize, rng.Next(50, 2000), 0, 0, 0, rng.Next(10, 5000)));
        }
        for (int i = models.Count; i < o.Tags; i++)
        {
            string type = rng.Next(2) == 0 ? "Nonp" : "Paged";
            string tag;
            do tag = RandomTag(rng); while (!used.Add(tag + "|" + type) || tag == o.LeakTag);
            bool load = i - (o.LeakTag != null ? 1 : 0) < o.LoadTags;
            long size = 16L << rng.Next(0, 12);
            double baseCount = rng.Next(1, 20_000);
            // Load cycles: two to four over the series, so every load tag is seen falling back.
            double period = load ? span / (2 + rng.NextDouble() * 2) : 0;
            models.Add(new TagModel(tag, type, load ? PoolMonTagKind.Load : PoolMonTagKind.Steady, size, baseCount,
                load ? baseCount * (0.5 + rng.NextDouble() * 2) : 0, period, rng.NextDouble() * 2 * Math.PI, rng.Next(0, 50_000)));
        }
        foreach (var m in models)
        {
            m.Allocs = rng.NextInt64(1_000, 50_000_000);
            m.Frees = m.Allocs;
        }

        var snapshots = new List<PoolMonSynthSnapshot>();
        long faults = rng.NextInt64(1_000_000, 900_000_000);
        double bootTime = 0;
        for (int s = 0; s < o.Snapshots; s++)
        {
            double t = s * o.IntervalHours;
            if (o.RebootBefore.Contains(s + 1))
            {
                // A restart: the kernel's counters start again; what leaked is gone and leaks anew.
                bootTime = t;
                foreach (var m in models)
                {
                    m.Allocs = rng.Next(100, 5_000);
                    m.Frees = m.Allocs;
                }
                faults = rng.Next(10_000, 100_000);
            }
            var rows = new List<(PoolMonSynthRow Row, long DA, long DF, long DB)>();
            foreach (var m in models)
            {
                double level = m.Kind switch
                {
                    PoolMonTagKind.Leak => m.Base + o.LeakBytesPerHour * (t - bootTime) / m.Size,
                    PoolMonTagKind.Load => m.Base + m.Amplitude * (1 + Math.Sin(2 * Math.PI * t / m.Period + m.Phase)) / 2,
                    _ => m.Base,
                };
                // In-flight allocations come and go; a leak's leaked ones stay.
                double jitter = m.Base * o.Noise * rng.NextDouble();
                long outstanding = Math.Max(0, (long)Math.Round(level + jitter));
                long before = m.Allocs - m.Frees, bytesBefore = before * m.Size;
                long churn = s == 0 ? 0 : (long)(m.Churn * (0.5 + rng.NextDouble()));
                long allocsBefore = m.Allocs, freesBefore = m.Frees;
                m.Allocs += churn + Math.Max(0, outstanding - before);
                m.Frees = m.Allocs - outstanding;
                rows.Add((new PoolMonSynthRow(m.Tag, m.Type, m.Allocs, m.Frees, outstanding * m.Size), m.Allocs - allocsBefore, m.Frees - freesBefore, outstanding * m.Size - bytesBefore));
            }
            rows.Sort((a, b) => b.Row.Bytes != a.Row.Bytes ? b.Row.Bytes.CompareTo(a.Row.Bytes) : string.CompareOrdinal(a.Row.Tag, b.Row.Tag));
            long nonp = rows.Where(r => r.Row.Type == "Nonp").Sum(r => r.Row.Bytes) / 1024 + 200_000;
            long paged = rows.Where(r => r.Row.Type == "Paged").Sum(r => r.Row.Bytes) / 1024 + 300_000;
            faults += rng.Next(0, 100_000);
            if (o.Missing.Contains(s + 1)) continue; // the machine went on; nobody wrote it down
            double shift = o.ClockShifts.Where(c => c.From <= s + 1).Sum(c => c.Hours);
            snapshots.Add(new PoolMonSynthSnapshot(s + 1, o.Start.AddHours(t + shift), 16_468_560, 12_072_536 - nonp / 4, faults, 4_100_436 + nonp + paged, nonp, paged,
                rows.Select(r => r.Row).ToList(), rows.Select(r => r.DA).ToList(), rows.Select(r => r.DF).ToList(), rows.Select(r => r.DB).ToList()));
        }
        var truth = new PoolMonSeriesTruth(o.LeakTag, o.LeakTag != null ? o.LeakType : null, o.LeakTag != null ? o.LeakBytesPerHour : 0, o.LeakAllocSize,
            models.Where(m => m.Kind == PoolMonTagKind.Load).Select(m => (m.Tag, m.Type)).ToList(), o.IntervalHours, o.Snapshots)
        {
            RebootBefore = o.RebootBefore.Where(r => r > 1 && r <= o.Snapshots).Order().ToList(),
            Missing = o.Missing.Where(m => m >= 1 && m <= o.Snapshots).Order().ToList(),
            ClockShifts = o.ClockShifts.OrderBy(c => c.From).ToList(),
        };
        return new PoolMonSynthSeries(truth, snapshots);
    }

    /// <summary>
    /// Earlier snapshots for a real last snapshot: every tag level with noise except <paramref name="leakTag"/>,
    /// whose outstanding allocations were fewer by the leak rate times the time to the end. The last
    /// snapshot is the given rows unchanged.
    /// </summary>
    public static PoolMonSynthSeries EndingWith(IReadOnlyList<PoolMonSynthRow> last, string leakTag, string leakType, double leakBytesPerHour,
        int snapshots, double intervalHours, double noise, int seed)
    {
        var rng = new Random(seed);
        var start = new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc);
        var result = new List<PoolMonSynthSnapshot>();
        for (int s = 0; s < snapshots; s++)
        {
            double hoursToEnd = (snapshots - 1 - s) * intervalHours;
            var rows = last.Select(r =>
            {
                if (s == snapshots - 1) return r;
                long size = Math.Max(1, r.PerAlloc);
                long diff = r.Diff;
                if (r.Tag == leakTag && r.Type == leakType) diff = Math.Max(0, diff - (long)Math.Round(leakBytesPerHour * hoursToEnd / size));
                else diff = Math.Max(0, diff - (long)(diff * noise * rng.NextDouble()));
                long churnBack = (long)(hoursToEnd * 100);
                long allocs = Math.Max(diff, r.Allocs - churnBack - (r.Diff - diff));
                return new PoolMonSynthRow(r.Tag, r.Type, allocs, allocs - diff, diff * size);
            }).OrderByDescending(r => r.Bytes).ToList();
            var zeros = rows.Select(_ => 0L).ToList();
            result.Add(new PoolMonSynthSnapshot(s + 1, start.AddHours(s * intervalHours), 16_468_560, 12_072_536, 468_600_648, 4_100_436, 710_920, 983_564, rows, zeros, zeros, zeros));
        }
        var truth = new PoolMonSeriesTruth(leakTag, leakType, leakBytesPerHour, 0, [], intervalHours, snapshots);
        return new PoolMonSynthSeries(truth, result);
    }

    /// <summary>Tags as drivers choose them: mostly 4 letters and digits, some shorter ("Io", "Ntf"), some with an inner blank ("Ip S").</summary>
    private static string RandomTag(Random rng)
    {
        const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        int length = rng.Next(10) switch { 0 => 2, 1 => 3, _ => 4 };
        var c = new char[length];
        for (int i = 0; i < length; i++) c[i] = chars[rng.Next(chars.Length)];
        if (length == 4 && rng.Next(15) == 0) c[2] = ' ';
        return new string(c);
    }
}
