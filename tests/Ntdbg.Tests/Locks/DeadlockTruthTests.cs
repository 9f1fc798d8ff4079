using System.Globalization;
using System.Text.Json;
using Ntdbg.Commands.Commands.Locks;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Locks;

/// <summary>
/// Every lock fixture's ground truth (fixtures/out/&lt;name&gt;-&lt;arch&gt;.truth.json with
/// "kind":"deadlock", written by the fixture program beside its dump) against `!locks`: each
/// lock's owner and waiters, each thread's wait, and the cycle (the same threads in the same
/// order, from any starting thread). New lock fixtures are covered as soon as their truth file
/// is committed; without any the theory is skipped and says so.
/// </summary>
public sealed class DeadlockTruthTests
{
    public static IEnumerable<object[]> TruthFiles() =>
        DeadlockTruthTheoryAttribute.Files().Select(f => new object[] { Path.GetFileName(f) });

    [DeadlockTruthTheory, MemberData(nameof(TruthFiles))]
    public void LocksMatchesTheFixturesTruth(string truthFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(FixtureFiles.Out(truthFile)));
        var root = json.RootElement;
        string stem = truthFile[..^".truth.json".Length];
        string dump = File.Exists(FixtureFiles.Out($"{stem}-private.dmp.gz")) ? FixtureFiles.PrivateDump(stem) : FixtureFiles.Out($"{stem}.dmp");
        using var target = TargetLoader.Open(dump);
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        var outcome = new CommandExecutor(session).ExecuteLine("!locks -v").Single();
        Assert.Null(outcome.Error);
        var r = Assert.IsType<LocksResult>(outcome.Result);

        foreach (var l in root.GetProperty("locks").EnumerateArray())
        {
            ulong address = Address(l.GetProperty("address"));
            var view = Assert.Single(r.Sections, v => v.Section.Address == address);
            Assert.True(view.Section.Locked, $"{l.GetProperty("name")} at {address:x} should be locked");
            Assert.Equal(l.GetProperty("owner").GetUInt32(), view.Section.OwnerThreadId);
            Assert.Equal(l.GetProperty("waiters").EnumerateArray().Select(w => w.GetUInt32()).Order(), view.Waiters.Select(w => w.ThreadId).Order());
            if (view.Section.Name is { } name) Assert.EndsWith("!" + l.GetProperty("name").GetString(), name);
        }
        foreach (var t in root.GetProperty("threads").EnumerateArray())
        {
            uint id = t.GetProperty("id").GetUInt32();
            var wait = r.Waits.SingleOrDefault(w => w.ThreadId == id);
            if (t.TryGetProperty("waitsFor", out var wf) && wf.ValueKind == JsonValueKind.String)
                Assert.Equal(Address(wf), wait?.Lock);
            else
                Assert.Null(wait);
            foreach (var owned in t.GetProperty("owns").EnumerateArray())
                Assert.Equal(id, Assert.Single(r.Sections, v => v.Section.Address == Address(owned)).Section.OwnerThreadId);
        }
        var expected = root.GetProperty("cycle").EnumerateArray().Select(c => c.GetUInt32()).ToList();
        var cycle = Assert.Single(r.Cycles).Steps.Select(s => s.ThreadId).ToList();
        Assert.Equal(expected.Count, cycle.Count);
        int shift = cycle.IndexOf(expected[0]);
        Assert.True(shift >= 0, $"thread {expected[0]} is not in the cycle found: {string.Join(" -> ", cycle)}");
        Assert.Equal(expected, cycle.Skip(shift).Concat(cycle.Take(shift)));
    }

    private static ulong Address(JsonElement e) =>
        ulong.Parse(e.GetString()!.Replace("`", "")[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>Runs over the committed deadlock truth files; skipped, saying why, while there are none.</summary>
public sealed class DeadlockTruthTheoryAttribute : TheoryAttribute
{
    public DeadlockTruthTheoryAttribute()
    {
        if (!Files().Any()) Skip = "no fixtures/out/*.truth.json with \"kind\":\"deadlock\" yet (the lock fixtures write them): truth test skipped";
    }

    public static IEnumerable<string> Files()
    {
        string folder = FixtureFiles.Out("");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder, "*.truth.json").Order(StringComparer.Ordinal).Where(IsDeadlock);
    }

    private static bool IsDeadlock(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.TryGetProperty("kind", out var kind) && kind.GetString() == "deadlock";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
