namespace Ntdbg.Cli.Bench;

/// <summary>
/// Finds the shared test data the way the tests do: NTDBG_SHARED_TESTDATA, else ../shared/testdata
/// beside the repository (found by walking up from the current directory or the binary to ntdbg.slnx).
/// </summary>
public static class SharedTestData
{
    public static string? Find(string relative) => Find(relative, File.Exists);

    /// <summary>A folder of the shared test data, found the same way.</summary>
    public static string? FindDirectory(string relative) => Find(relative, Directory.Exists);

    private static string? Find(string relative, Func<string, bool> exists)
    {
        var env = Environment.GetEnvironmentVariable("NTDBG_SHARED_TESTDATA");
        if (!string.IsNullOrEmpty(env) && exists(Path.Combine(env, relative))) return Path.Combine(env, relative);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx"))) continue;
                var p = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata", relative));
                if (exists(p)) return p;
                break;
            }
        }
        return null;
    }
}
