using Ntdbg.Commands.Commands.HeapLeak;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Locks;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.HeapLeak;

/// <summary>
/// `ntdbg triage leak` on dumps without the heaps' memory (MiniDumpNormal crash fixtures, the shared
/// breakpad/lldb/sentry dumps): no suspect, a note saying what is missing, never an error.
/// </summary>
public sealed class HeaplessLeakTriageTests
{
    [Theory, MemberData(nameof(LocklessDumpTests.CrashFixtures), MemberType = typeof(LocklessDumpTests))]
    public void CrashFixturesSayWhatIsMissing(string file) => AssertSaysWhy(FixtureFiles.Out(file));

    [SharedDataTheory, MemberData(nameof(LocklessDumpTests.SharedUserDumps), MemberType = typeof(LocklessDumpTests))]
    public void SharedUserDumpsSayWhatIsMissing(string relative)
    {
        Assert.NotEqual("(absent)", relative);
        AssertSaysWhy(Path.Combine(TestData.SharedRoot!, relative));
    }

    private static void AssertSaysWhy(string path)
    {
        using var target = TargetLoader.Open(path);
        var r = LeakTriage.Run(new DebugSession(target));
        if (r.Suspect == null)
        {
            Assert.Equal("no heap could be read", r.SuspectReason);
            Assert.NotEmpty(r.Notes); // which part was missing: the PEB, the heap list, a heap header
        }
        var text = new StringWriter();
        Assert.Equal(0, Ntdbg.Cli.Triage.TriageLeakCommand.Run(["leak", path], text, TextWriter.Null));
        Assert.Contains("next steps:", text.ToString());
    }
}
