using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Locks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Locks;

/// <summary>
/// `!cs -l` and `!locks` on the two-thread deadlock fixture (fixtures/src/deadlock.c, Wine 8.0, x64
/// and x86): the locks are the PDB's g_LockA/g_LockB, each owned by the thread the ThreadNames
/// stream names for it (checked against the OwningThread the fixture reader finds in the dump's
/// own bytes) and waited for by the other thread, and the cycle is the two threads.
/// </summary>
public sealed class DeadlockFixtureTests
{
    public static readonly TheoryData<string> Arches = new() { "x64", "x86" };

    private static readonly Regex CsBlock = new(@"Critical section   = 0x([0-9a-f]+) \(([^)]*)\)[\s\S]*?OwningThread       = 0x([0-9a-f]+)[\s\S]*?Waiting threads    = ([^\n]*)");
    private static readonly Regex LocksBlock = new(@"CritSec (\S+) at ([0-9A-F]+)\nLockCount\s+(-?\d+)\nRecursionCount\s+(\d+)\nOwningThread\s+([0-9a-f]+)[\s\S]*?\*\*\* Locked[\s\S]*?Waiting threads\s+([^\n]*)");
    private static readonly Regex ThreadId = new(@"\(thread ([0-9a-f]+)");
    private static readonly Regex CycleLine = new(@"^  ~\d+ \(thread ([0-9a-f]+)[^)]*\) waits for (\S+) \(([0-9a-f]+)\), owned by ~\d+ \(thread ([0-9a-f]+)", RegexOptions.Multiline);

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private sealed record Expected(ulong LockA, ulong LockB, uint AThenB, uint BThenA);

    private static Expected Truth(string arch, string path, DebugSession session)
    {
        Dictionary<string, uint> tid;
        using var dump = new FixtureDump(path);
        tid = dump.ThreadNames().ToDictionary(kv => kv.Value, kv => kv.Key);
        Assert.True(session.SymbolTable.TryResolve($"deadlock_{arch}!g_LockA", out ulong a));
        Assert.True(session.SymbolTable.TryResolve($"deadlock_{arch}!g_LockB", out ulong b));
        var e = new Expected(a, b, tid["ntdbg-lock-a-then-b"], tid["ntdbg-lock-b-then-a"]);
        // The fixture itself: each lock's OwningThread (after DebugInfo, LockCount, RecursionCount) holds the thread the program named for it.
        int pointer = arch == "x64" ? 8 : 4;
        Assert.Equal(e.AThenB, BinaryPrimitives.ReadUInt32LittleEndian(dump.ReadMemory64(a + (ulong)(pointer + 8), 4)!));
        Assert.Equal(e.BThenA, BinaryPrimitives.ReadUInt32LittleEndian(dump.ReadMemory64(b + (ulong)(pointer + 8), 4)!));
        return e;
    }

    private static (ITarget Target, DebugSession Session, Expected Truth) Open(string arch)
    {
        string path = FixtureFiles.PrivateDump($"deadlock-{arch}");
        var target = TargetLoader.Open(path);
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        return (target, session, Truth(arch, path, session));
    }

    [Theory, MemberData(nameof(Arches))]
    public void CsMinusLPrintsBothLocksWithTheirOwnersWaitersAndTheCycle(string arch)
    {
        var (target, session, t) = Open(arch);
        using var _ = target;
        string text = Run.Text(target, "!cs -l", session).Replace("\r", "");
        var blocks = CsBlock.Matches(text).ToDictionary(m => Hex(m.Groups[1].Value));
        Assert.Equal([t.LockA, t.LockB], blocks.Keys.Order().ToArray());
        Assert.Equal($"deadlock_{arch}!g_LockA", blocks[t.LockA].Groups[2].Value);
        Assert.Equal($"deadlock_{arch}!g_LockB", blocks[t.LockB].Groups[2].Value);
        Assert.Equal(t.AThenB, Hex(blocks[t.LockA].Groups[3].Value));
        Assert.Equal(t.BThenA, Hex(blocks[t.LockB].Groups[3].Value));
        Assert.Equal([t.BThenA], ThreadId.Matches(blocks[t.LockA].Groups[4].Value).Select(m => (uint)Hex(m.Groups[1].Value)));
        Assert.Equal([t.AThenB], ThreadId.Matches(blocks[t.LockB].Groups[4].Value).Select(m => (uint)Hex(m.Groups[1].Value)));
        AssertCycle(text, t, arch);
    }

    [Theory, MemberData(nameof(Arches))]
    public void LocksPrintsBothLocksWithTheirOwnersWaitersAndTheCycle(string arch)
    {
        var (target, session, t) = Open(arch);
        using var _ = target;
        string text = Run.Text(target, "!locks", session).Replace("\r", "");
        var blocks = LocksBlock.Matches(text).ToDictionary(m => Hex(m.Groups[2].Value));
        Assert.Equal([t.LockA, t.LockB], blocks.Keys.Order().ToArray());
        Assert.Equal($"deadlock_{arch}!g_LockA+0", blocks[t.LockA].Groups[1].Value);
        Assert.Equal(t.AThenB, Hex(blocks[t.LockA].Groups[5].Value));
        Assert.Equal(t.BThenA, Hex(blocks[t.LockB].Groups[5].Value));
        // Wine keeps the legacy LockCount: one waiter past the owner's single entry.
        Assert.Equal(("1", "1"), (blocks[t.LockA].Groups[3].Value, blocks[t.LockA].Groups[4].Value));
        Assert.Equal([t.BThenA], ThreadId.Matches(blocks[t.LockA].Groups[6].Value).Select(m => (uint)Hex(m.Groups[1].Value)));
        Assert.Equal([t.AThenB], ThreadId.Matches(blocks[t.LockB].Groups[6].Value).Select(m => (uint)Hex(m.Groups[1].Value)));
        Assert.Contains("Scanned 2 critical sections", text);
        AssertCycle(text, t, arch);
        // Each thread of the cycle is followed by its stack, which reaches the function that blocked.
        Assert.Contains($"deadlock_{arch}!take_a_then_b", text);
        Assert.Contains($"deadlock_{arch}!take_b_then_a", text);
    }

    [Theory, MemberData(nameof(Arches))]
    public void CsMinusOAndMinusSShowTheOwnersStackAndSayThereIsNoInitializationStack(string arch)
    {
        var (target, session, t) = Open(arch);
        using var _ = target;
        string text = Run.Text(target, "!cs -o -s deadlock_" + arch + "!g_LockA", session).Replace("\r", "");
        Assert.Contains("OwningThread Stack =", text);
        Assert.Contains($"deadlock_{arch}!take_a_then_b", text[text.IndexOf("OwningThread Stack =", StringComparison.Ordinal)..]);
        Assert.Contains("No initialization stack trace", text);
        Assert.DoesNotContain($"g_LockB)\n", text.Split("Blocked threads:")[0]);
    }

    [Theory, MemberData(nameof(Arches))]
    public void JsonResultCarriesTheCycle(string arch)
    {
        var (target, session, t) = Open(arch);
        using var _ = target;
        var outcome = new CommandExecutor(session).ExecuteLine("!locks").Single();
        var r = Assert.IsType<LocksResult>(outcome.Result);
        var cycle = Assert.Single(r.Cycles);
        Assert.Equal(new[] { t.AThenB, t.BThenA }.Order(), cycle.Steps.Select(s => s.ThreadId).Order());
        Assert.All(cycle.Steps, s => Assert.Equal(s.ThreadId == t.AThenB ? t.LockB : t.LockA, s.Lock));
        Assert.Contains("\"cycles\"", Ntdbg.Commands.Rendering.Json.JsonRendering.Render(outcome));
    }

    private static void AssertCycle(string text, Expected t, string arch)
    {
        Assert.Contains("DEADLOCK: 2 threads wait for each other:", text);
        var steps = CycleLine.Matches(text).Select(m => ((uint)Hex(m.Groups[1].Value), m.Groups[2].Value, Hex(m.Groups[3].Value), (uint)Hex(m.Groups[4].Value))).ToHashSet();
        Assert.Equal(
            new HashSet<(uint, string, ulong, uint)> { (t.AThenB, $"deadlock_{arch}!g_LockB", t.LockB, t.BThenA), (t.BThenA, $"deadlock_{arch}!g_LockA", t.LockA, t.AThenB) },
            steps);
    }
}
