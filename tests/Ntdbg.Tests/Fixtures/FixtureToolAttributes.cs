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
