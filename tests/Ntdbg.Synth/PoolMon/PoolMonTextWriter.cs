using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ntdbg.Synth.PoolMon;

/// <summary>How to print a generated snapshot.</summary>
public sealed record PoolMonTextStyle
{
    /// <summary>The interactive screen (poolmon -b) with "( n)" change columns, else a -n log.</summary>
    public bool Screen { get; init; }

    /// <summary>A "yyyy-MM-dd HH:mm:ss" line before the snapshot, as a collection script writes with echo.</summary>
    public bool Timestamp { get; init; }

    /// <summary>Strip every line's leading blanks (as in excerpts pasted into code or mail).</summary>
    public bool LoseLeadingBlanks { get; init; }
}

/// <summary>
/// Prints snapshots in poolmon's layout (columns as in Microsoft's PoolMon documentation and the
/// real excerpt in shared/testdata/pool): header lines, title, column header, rows padded so the
/// tag takes 4 characters.
/// </summary>
public static class PoolMonTextWriter
{
    public static string Write(PoolMonSynthSnapshot s, PoolMonTextStyle style)
    {
        var b = new StringBuilder();
        void Line(string text) => b.Append(style.LoseLeadingBlanks ? text.TrimStart() : text).Append("\r\n");
        var inv = CultureInfo.InvariantCulture;
        if (style.Timestamp) Line(s.Time.ToString("yyyy-MM-dd HH:mm:ss", inv));
        Line(string.Format(inv, " Memory:{0,8}K Avail:{1,8}K  PageFlts:{2,6}   InRam Krnl:{3,5}K P:{4,5}K", s.MemoryKb, s.AvailKb, s.PageFaults, 56708, 950888));
        Line(string.Format(inv, " Commit:{0,7}K Limit:{1,7}K Peak:{2,7}K            Pool N:{3,5}K P:{4,5}K", s.CommitKb, 17517136, s.CommitKb + 1000, s.PoolNonPagedKb, s.PoolPagedKb));
        if (style.Screen)
        {
            Line(" System pool information");
            Line(" Tag  Type     Allocs            Frees            Diff   Bytes       Per Alloc");
        }
        else Line(" Tag  Type     Allocs         Frees    Diff   Bytes    Per Alloc");
        Line("");
        for (int i = 0; i < s.Rows.Count; i++)
        {
            var r = s.Rows[i];
            string tag = r.Tag.PadRight(4);
            Line(style.Screen
                ? string.Format(inv, " {0} {1,-5} {2,10} ({3,4}) {4,9} ({5,4}) {6,8} {7,7} ({8,6}) {9,6}", tag, r.Type, r.Allocs, s.AllocsDelta[i], r.Frees, s.FreesDelta[i], r.Diff, r.Bytes, s.BytesDelta[i], r.PerAlloc)
                : string.Format(inv, " {0} {1,-5} {2,10} {3,9} {4,9} {5,9} {6,10}", tag, r.Type, r.Allocs, r.Frees, r.Diff, r.Bytes, r.PerAlloc));
        }
        return b.ToString();
    }

    /// <summary>Writes one file per snapshot, poolmonlog1.txt ... poolmonlogN.txt, as the seed's procedure names them (a missing snapshot's number has no file).</summary>
    public static IReadOnlyList<string> WriteFiles(PoolMonSynthSeries series, string folder, PoolMonTextStyle style)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        for (int i = 0; i < series.Snapshots.Count; i++)
        {
            string path = Path.Combine(folder, $"poolmonlog{series.Snapshots[i].Number}.txt");
            File.WriteAllText(path, Write(series.Snapshots[i], style));
            File.SetLastWriteTimeUtc(path, series.Snapshots[i].Time);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>The truth beside a written series (poolmon.truth.json): what leaks and how fast, load tags, reboots, missing snapshots, clock shifts.</summary>
    public static string WriteTruth(PoolMonSeriesTruth t, string folder)
    {
        string path = Path.Combine(folder, "poolmon.truth.json");
        var json = new
        {
            kind = "poolmon",
            leakTag = t.LeakTag,
            leakType = t.LeakType,
            leakBytesPerHour = t.LeakBytesPerHour,
            leakAllocSize = t.LeakAllocSize,
            loadTags = t.LoadTags.Select(l => new { tag = l.Tag, type = l.Type }),
            intervalHours = t.IntervalHours,
            snapshots = t.Snapshots,
            rebootBefore = t.RebootBefore,
            missing = t.Missing,
            clockShifts = t.ClockShifts.Select(c => new { from = c.From, hours = c.Hours }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
