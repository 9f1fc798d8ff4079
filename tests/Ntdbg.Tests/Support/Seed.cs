namespace Ntdbg.Tests.Support;

/// <summary>Reads WinDbg output blocks from the NTDebugging blog seed in ../shared/seed.</summary>
public static class Seed
{
    public static string? Path
    {
        get
        {
            var p = System.IO.Path.GetFullPath(System.IO.Path.Combine(TestData.RepoRoot, "..", "shared", "seed", "ntdebugging-blog-page5.txt"));
            if (File.Exists(p)) return p;
            // Builds outside the repository (--artifacts-path) find shared/ through NTDBG_SHARED_TESTDATA.
            if (TestData.SharedRoot is { } shared)
            {
                p = System.IO.Path.GetFullPath(System.IO.Path.Combine(shared, "..", "seed", "ntdebugging-blog-page5.txt"));
                if (File.Exists(p)) return p;
            }
            return null;
        }
    }

    /// <summary>The non-empty lines that follow the line containing <paramref name="command"/>, until the next prompt or prose.</summary>
    public static List<string> OutputOf(string command, Func<string, bool> isOutputLine)
    {
        // The blog page uses non-breaking spaces inside WinDbg output.
        var lines = File.ReadAllLines(Path!).Select(l => l.Replace('\u00a0', ' ').Trim()).ToList();
        int i = lines.FindIndex(l => l.EndsWith(command, StringComparison.Ordinal));
        if (i < 0) throw new InvalidOperationException($"seed has no '{command}'");
        var result = new List<string>();
        for (int j = i + 1; j < lines.Count; j++)
        {
            if (lines[j].Length == 0) continue;
            if (!isOutputLine(lines[j])) break;
            result.Add(lines[j]);
        }
        return result;
    }
}

public sealed class SeedFactAttribute : FactAttribute
{
    public SeedFactAttribute()
    {
        if (Seed.Path == null) Skip = "../shared/seed is absent: seed layout test skipped";
    }
}
