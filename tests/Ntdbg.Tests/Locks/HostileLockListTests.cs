using Ntdbg.Commands.Commands.Locks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Locks;

/// <summary>
/// Lock lists read from a damaged dump: a ProcessLocksList that loops back into itself without
/// returning to its start ends with a note after visiting each section once; a list link into
/// memory the dump lacks ends with a note naming the address; an address that is no critical
/// section says so. Never a hang or an exception.
/// </summary>
public sealed class HostileLockListTests
{
    private const ulong A = 0x10000, B = 0x11000, C = 0x12000;
    private const ulong DebugA = 0x20000, DebugB = 0x30000, DebugC = 0x40000;

    // x64 RTL_CRITICAL_SECTION (free) and RTL_CRITICAL_SECTION_DEBUG with ProcessLocksList at +0x10.
    private static void Section(FakeTarget t, ulong cs, ulong debug, ulong flink)
    {
        var s = new byte[0x28];
        BitConverter.GetBytes(debug).CopyTo(s, 0);
        BitConverter.GetBytes(-1).CopyTo(s, 8);
        t.Regions.Add(cs, s);
        var d = new byte[0x30];
        BitConverter.GetBytes(cs).CopyTo(d, 8);
        BitConverter.GetBytes(flink).CopyTo(d, 0x10);
        t.Regions.Add(debug, d);
    }

    [Fact]
    public void ALoopingProcessLocksListEndsWithANote()
    {
        var t = new FakeTarget();
        Section(t, A, DebugA, DebugB + 0x10);
        Section(t, B, DebugB, DebugC + 0x10);
        Section(t, C, DebugC, DebugB + 0x10); // back to B, never to A
        // The address given is the only way in: the walk from it finds B and C, then meets B again.
        var outcome = new CommandExecutor(new DebugSession(t)).ExecuteLine($"!cs {A:x}").Single();
        var r = Assert.IsType<CsResult>(outcome.Result);
        Assert.Equal(3, r.SectionsFound);
        string text = Run.Text(t, $"!cs {A:x}", new DebugSession(t));
        Assert.Contains($"loops back to {DebugB + 0x10:x} without returning to its start", text);
    }

    [Fact]
    public void ALinkIntoMissingMemoryEndsWithANote()
    {
        var t = new FakeTarget();
        Section(t, A, DebugA, 0x990010);
        var outcome = new CommandExecutor(new DebugSession(t)).ExecuteLine($"!cs {A:x}").Single();
        Assert.Null(outcome.Error);
        string text = Run.Text(t, $"!cs {A:x}", new DebugSession(t));
        Assert.Contains("NOT LOCKED", text);
        Assert.Contains("990010 is unreadable", text);
    }

    [Fact]
    public void AnAddressThatIsNoCriticalSectionSaysSo()
    {
        var t = new FakeTarget();
        var junk = new byte[0x28];
        Array.Fill(junk, (byte)0x41);
        t.Regions.Add(A, junk);
        string text = Run.Text(t, $"!cs {A:x}", new DebugSession(t));
        Assert.Contains("does not look like a critical section", text);
        Assert.Contains("No critical section at", Run.Text(t, "!cs 5000", new DebugSession(t)));
    }
}
