using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Fixtures;

/// <summary>Why a test needing these tools cannot run (null when all are on PATH).</summary>
internal static class MissingTools
{
    public static string? Describe(string[] tools)
    {
        var missing = tools.Where(t => Tools.Find(t) == null).ToList();
        return missing.Count == 0 ? null : $"{string.Join(", ", missing)} not installed: oracle comparison skipped (.ci/install-deps.sh installs it)";
    }
}

/// <summary>A theory over the committed fixtures that needs external tools; skipped visibly without them.</summary>
public sealed class FixtureToolTheoryAttribute : TheoryAttribute
{
    public FixtureToolTheoryAttribute(params string[] tools)
    {
        if (MissingTools.Describe(tools) is { } why) Skip = why;
    }
}

/// <summary>A fact over the committed fixtures that needs external tools; skipped visibly without them.</summary>
public sealed class FixtureToolFactAttribute : FactAttribute
{
    public FixtureToolFactAttribute(params string[] tools)
    {
        if (MissingTools.Describe(tools) is { } why) Skip = why;
    }
}

/// <summary>
/// A fact that rebuilds fixture programs (fixtures/generate.sh --verify-build): it needs clang,
/// ld.lld and mingw-w64's win32-thread-model gcc libraries for both architectures, as
/// generate.sh does; skipped visibly when any is missing (CI machines may lack them).
/// </summary>
public sealed class FixtureBuildFactAttribute : FactAttribute
{
    public static readonly string[] MingwLibraryDirs =
        ["/usr/lib/gcc/x86_64-w64-mingw32/12-win32", "/usr/lib/gcc/i686-w64-mingw32/12-win32"];

    public FixtureBuildFactAttribute()
    {
        var missing = new[] { "clang", "ld.lld" }.Where(t => Tools.Find(t) == null)
            .Concat(MingwLibraryDirs.Where(d => !Directory.Exists(d))).ToList();
        if (missing.Count > 0)
            Skip = $"{string.Join(", ", missing)} missing: rebuilding the fixtures needs clang, lld and mingw-w64 (.ci/install-deps.sh with NTDBG_REGENERATE_FIXTURES=1 installs them)";
    }
}
