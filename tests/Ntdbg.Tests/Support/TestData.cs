namespace Ntdbg.Tests.Support;

/// <summary>Locates the repository and the shared test data beside it.</summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared/testdata relative to the repository root (null when absent).</summary>
    public static string? SharedRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("NTDBG_SHARED_TESTDATA");
            if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
            var p = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "testdata"));
            return Directory.Exists(p) ? p : null;
        }
    }

    public static string Shared(string relative) =>
        Path.Combine(SharedRoot ?? throw new InvalidOperationException("shared test data absent"), relative);

    /// <summary>A file under the repository (fixtures/out/...).</summary>
    public static string Repo(string relative) => Path.Combine(RepoRoot, relative);

    private static string FindRepoRoot()
    {
        // The test binaries live under the repository only without --artifacts-path; with it
        // (e.g. /tmp/art-<branch>) the walk from there finds nothing, so also walk up from this
        // source file's compile-time location.
        foreach (var start in new[] { AppContext.BaseDirectory, SourceDirectory() })
        {
            var dir = start.Length > 0 ? new DirectoryInfo(start) : null;
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "ntdbg.slnx"))) dir = dir.Parent;
            if (dir != null) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) ?? "";
}

/// <summary>A fact that runs only when ../shared/testdata exists, and says so when it is skipped.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath = "")
    {
        var root = TestData.SharedRoot;
        if (root == null) Skip = "../shared/testdata is absent (fresh clone without shared/): real-data test skipped";
        else if (relativePath.Length > 0 && !File.Exists(Path.Combine(root, relativePath)) && !Directory.Exists(Path.Combine(root, relativePath)))
            Skip = $"../shared/testdata/{relativePath} is absent: real-data test skipped";
    }
}

/// <summary>A theory variant of <see cref="SharedDataFactAttribute"/>.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (TestData.SharedRoot == null) Skip = "../shared/testdata is absent (fresh clone without shared/): real-data test skipped";
    }
}

/// <summary>A fact that needs an external tool on PATH (winedump, llvm-readobj); skipped visibly without it.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, bool needsSharedData = true)
    {
        if (needsSharedData && TestData.SharedRoot == null) Skip = "../shared/testdata is absent: real-data test skipped";
        else if (Tools.Find(tool) == null) Skip = $"{tool} is not installed: oracle comparison skipped";
    }
}

public static class Tools
{
    public static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (dir.Length == 0) continue;
            var p = Path.Combine(dir, tool);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>Runs a tool and returns its standard output (throws if it fails).</summary>
    public static string Run(string tool, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Find(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = stderr.Result;
        return output;
    }
}
