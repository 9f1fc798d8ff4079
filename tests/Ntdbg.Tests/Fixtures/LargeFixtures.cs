using System.Diagnostics;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Fixtures;

/// <summary>
/// The full-memory fixture dumps (fixtures/out-large/, 75-110 MB each under Wine) are too big to
/// commit. They are re-created from the committed executables by `fixtures/generate.sh --large`,
/// which needs only Wine. The first use runs it once when the files are absent and Wine is
/// installed; without Wine the tests that need them are skipped, saying why.
/// </summary>
public static class LargeFixtures
{
    public static readonly string[] Names =
    [
        "useheap-x64", "useheap-x86", "deadlock-x64", "deadlock-x86",
        "blobleak-x64", "blobleak-x86", "manyheaps-x64", "manyheaps-x86", "deadlock3-x64", "deadlock3-x86",
    ];

    public static string PathOf(string name) => TestData.Repo($"fixtures/out-large/{name}.dmp");

    private static bool AllPresent => Names.All(n => File.Exists(PathOf(n)));

    private static readonly Lazy<string?> Generation = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why the large fixtures cannot be had (null when they are present or were just made).</summary>
    public static string? Unavailable
    {
        get
        {
            if (AllPresent) return null;
            if (Tools.Find("wine") == null || Tools.Find("winedump") == null)
                return "fixtures/out-large/*.dmp are absent and wine/winedump are not installed: run fixtures/generate.sh --large where Wine is";
            return null; // Ensure() will generate them (and fail the test with the log if that fails)
        }
    }

    /// <summary>Makes sure the large dumps exist, generating them once; returns the generator's log on failure.</summary>
    public static string? Ensure() => AllPresent ? null : Generation.Value;

    private static string? Generate()
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(TestData.Repo("fixtures/generate.sh"));
        psi.ArgumentList.Add("--large");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); return "fixtures/generate.sh --large timed out"; }
        // The reason (stderr) first: assertion messages are shown truncated.
        return p.ExitCode == 0 && AllPresent ? null : $"fixtures/generate.sh --large failed ({p.ExitCode}): {stderr.Result.Trim()}\n{stdout}";
    }
}

/// <summary>A theory needing the full-memory fixture dumps (and tools); skipped visibly when they cannot be had.</summary>
public sealed class LargeFixtureTheoryAttribute : TheoryAttribute
{
    public LargeFixtureTheoryAttribute(params string[] tools)
    {
        if ((LargeFixtures.Unavailable ?? MissingTools.Describe(tools)) is { } why) Skip = why;
    }
}
