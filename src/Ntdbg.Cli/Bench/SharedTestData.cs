namespace Ntdbg.Cli.Bench;

/// <summary>
/// Finds the shared test data the way the tests do: NTDBG_SHARED_TESTDATA, else ../shared/testdata
/// beside the repository (found by walking up from the current directory or the binary to ntdbg.slnx).
/// </summary>
public static class SharedTestData
{
    public static string? Find(string relative)
    {
        var env = Environment.GetEnvironmentVariable("NTDBG_SHARED_TESTDATA");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, relative))) return Path.Combine(env, relative);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx"))) continue;
                var p = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testdata", relative));
                if (File.Exists(p)) return p;
                break;
            }
        }
        return null;
    }
}
