using Ntdbg.Commands.Commands.Locks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Locks;

/// <summary>
/// Dumps without a deadlock — the crash fixtures and the shared real-world user dumps (lldb,
/// breakpad, sentry) — get `!cs -l` and `!locks` answers that say what is missing, never an error;
/// and no thread is reported blocked on a lock there.
/// </summary>
public sealed class LocklessDumpTests
{
    public static readonly TheoryData<string> CrashFixtures = new() { "crash-x64.dmp", "crash-x86.dmp" };

    [Theory, MemberData(nameof(CrashFixtures))]
    public void CrashFixturesHaveNoLocksAndSaySo(string file) => AssertNoDeadlock(FixtureFiles.Out(file));

    public static IEnumerable<object[]> SharedUserDumps()
    {
        string? root = TestData.SharedRoot;
        if (root == null || !Directory.Exists(Path.Combine(root, "user"))) return [["(absent)"]];
        return Directory.GetFiles(Path.Combine(root, "user"), "*.dmp", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetRelativePath(root, f) });
    }

    [SharedDataTheory, MemberData(nameof(SharedUserDumps))]
    public void SharedUserDumpsAnswerWithoutFailing(string relative)
    {
        Assert.NotEqual("(absent)", relative);
        AssertNoDeadlock(Path.Combine(TestData.SharedRoot!, relative));
    }

    private static void AssertNoDeadlock(string path)
    {
        using var target = TargetLoader.Open(path);
        var exec = new CommandExecutor(new DebugSession(target, TestData.Repo("fixtures/out")));
        var cs = exec.ExecuteLine("!cs -l").Single();
        Assert.Null(cs.Error);
        var csResult = Assert.IsType<CsResult>(cs.Result);
        Assert.Empty(csResult.Cycles);
        Assert.Empty(csResult.Waits);
        var locks = exec.ExecuteLine("!locks").Single();
        Assert.Null(locks.Error);
        var locksResult = Assert.IsType<LocksResult>(locks.Result);
        Assert.Empty(locksResult.Cycles);
        // Either a section was read or a note says why the process lock list was not found.
        Assert.True(locksResult.Scanned > 0 || locksResult.Notes.Any(n => n.Contains("lock list", StringComparison.Ordinal)),
            string.Join("\n", locksResult.Notes));
    }
}
