using System.Globalization;
using Ntdbg.Targets.User;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// sentry/windows.dmp against Sentry symbolicator's snapshot (minidump_windows.snap): per-thread registers
/// (the crashing thread's come from the exception context) and the modules' PDB identity.
/// </summary>
public sealed class SentrySnapshotTests
{
    private const string Dump = "user/sentry/windows.dmp";
    private const string Snap = "user/sentry/minidump_windows.snap";

    [SharedDataFact(Snap)]
    public void Thread_registers_match_the_snapshot()
    {
        using var t = UserDumpTarget.Open(TestData.Shared(Dump));
        var lines = File.ReadAllLines(TestData.Shared(Snap));
        int checkedThreads = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("  - thread_id: ")) continue;
            uint id = uint.Parse(lines[i]["  - thread_id: ".Length..]);
            bool requesting = lines[i + 1].Trim() == "is_requesting: true";
            var thread = t.Threads.Single(x => x.ThreadId == id);
            var ctx = requesting ? t.Exception!.Context! : thread.Context!;
            if (requesting) Assert.Equal(id, t.Exception!.ThreadId);
            int j = i + 1;
            while (!lines[j].Trim().StartsWith("registers:")) j++;
            int compared = 0;
            for (j++; lines[j].StartsWith("      ") && lines[j].Contains(": \"0x"); j++)
            {
                var parts = lines[j].Trim().Split(": ");
                string name = parts[0] == "eflags" ? "efl" : parts[0];
                ulong expected = ulong.Parse(parts[1].Trim('"')[2..], NumberStyles.HexNumber);
                Assert.Equal(expected, ctx.Get(name));
                compared++;
            }
            Assert.True(compared >= 10, $"thread {id}: only {compared} registers in the snapshot");
            checkedThreads++;
        }
        Assert.Equal(t.Threads.Count, checkedThreads);
    }

    [SharedDataFact(Snap)]
    public void Module_identities_match_the_snapshot()
    {
        using var t = UserDumpTarget.Open(TestData.Shared(Dump));
        var lines = File.ReadAllLines(TestData.Shared(Snap));
        int start = Array.IndexOf(lines, "modules:");
        Assert.True(start > 0);
        var fields = new Dictionary<string, string>();
        int compared = 0;
        void Check()
        {
            if (!fields.ContainsKey("code_file")) return;
            string file = fields["code_file"].Trim('"').Replace(@"\\", @"\");
            var m = t.Modules.Single(x => x.ImagePath == file);
            Assert.Equal(ulong.Parse(fields["image_addr"].Trim('"')[2..], NumberStyles.HexNumber), m.Base);
            Assert.Equal(ulong.Parse(fields["image_size"]), m.Size);
            Assert.Equal(fields["code_id"].Trim('"').ToLowerInvariant(), $"{m.TimeDateStamp:x8}{m.Size:x}");
            if (fields.TryGetValue("debug_id", out var debugId) && debugId.Length > 0 && debugId != "~")
            {
                int dash = debugId.LastIndexOf('-');
                Assert.Equal(Guid.Parse(debugId[..dash]), m.CodeView!.Guid);
                Assert.Equal(uint.Parse(debugId[(dash + 1)..], NumberStyles.HexNumber), m.CodeView.Age);
                Assert.Equal(fields["debug_file"].Trim('"').Replace(@"\\", @"\"), m.CodeView.PdbPath);
            }
            compared++;
            fields.Clear();
        }
        for (int i = start + 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith("  - ")) Check();
            if (!line.StartsWith("  - ") && !(line.StartsWith("    ") && !line.StartsWith("     "))) continue;
            string body = line[4..];
            int c = body.IndexOf(": ", StringComparison.Ordinal);
            if (c > 0) fields[body[..c]] = body[(c + 2)..];
        }
        Check();
        Assert.True(compared >= 5, $"only {compared} modules in the snapshot");
    }
}
