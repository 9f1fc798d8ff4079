using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Ntdbg.Synth;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

/// <summary>The foundation commands on the project's own Wine crash dumps (facts from fixtures/README.md).</summary>
public class UserDumpCommandTests
{
    private static string[] Lines(string dump, string commands)
    {
        using var t = TargetLoader.Open(TestData.Repo($"fixtures/out/{dump}"));
        return Run.Lines(t, commands);
    }

    [Theory]
    [InlineData("crash-x64.dmp", "000000000000bad0")]
    [InlineData("crash-x86.dmp", "0000bad0")]
    public void ExrShowsTheWriteToBad0(string dump, string address)
    {
        var lines = Lines(dump, ".exr -1");
        Assert.Equal("   ExceptionCode: c0000005 (Access violation)", lines[1]);
        Assert.Equal("NumberParameters: 2", lines[3]);
        Assert.Equal($"Attempt to write to address {address}", lines[^1]);
    }

    [Theory]
    [InlineData("crash-x64.dmp", "rip")]
    [InlineData("crash-x86.dmp", "eip")]
    public void EcxrSwitchesToTheFaultingContext(string dump, string ip)
    {
        var lines = Lines(dump, $".exr -1; .ecxr; r {ip}");
        string exceptionAddress = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal($"{ip}={exceptionAddress}", lines[^1]);
        string module = Path.GetFileNameWithoutExtension(dump).Replace('-', '_');
        Assert.Contains(lines, l => Regex.IsMatch(l, $"^{module}\\+0x[0-9a-f]+:$"));
    }

    [Fact]
    public void ThreadListHasTheNamedThreads()
    {
        var lines = Lines("crash-x64.dmp", "~");
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^\.  0  Id: [0-9a-f]+\.[0-9a-f]+ Suspend: \d+ Teb: [0-9a-f]{8}`[0-9a-f]{8} Unfrozen ""ntdbg-main""$", lines[0]);
        for (int i = 1; i <= 3; i++) Assert.EndsWith($"\"ntdbg-worker-{i}\"", lines[i]);
    }

    [Fact]
    public void LmPlacesTheExeAtItsImageBase()
    {
        // Read ImageBase from the exe the dump was made from (PE32+ optional header +0x18).
        var exe = File.ReadAllBytes(TestData.Repo("fixtures/out/crash-x64.exe"));
        int nt = BinaryPrimitives.ReadInt32LittleEndian(exe.AsSpan(0x3c));
        ulong imageBase = BinaryPrimitives.ReadUInt64LittleEndian(exe.AsSpan(nt + 0x18 + 0x18));
        uint sizeOfImage = BinaryPrimitives.ReadUInt32LittleEndian(exe.AsSpan(nt + 0x18 + 0x38));
        var lines = Lines("crash-x64.dmp", "lm m crash_x64; lm a @$ip");
        string Q(ulong v) => $"{v >> 32:x8}`{v & 0xffffffff:x8}";
        Assert.StartsWith($"{Q(imageBase)} {Q(imageBase + sizeOfImage)}   crash_x64", lines[1]);
    }

    [Fact]
    public void CxrUsesAContextRecordInMemory()
    {
        var t = new FakeTarget();
        var ctx = ContextBuilder.X64(new Dictionary<string, ulong> { ["rip"] = 0x401000, ["rsp"] = 0x2000, ["rax"] = 0x1234 });
        t.Regions.Add(0x9000, ctx);
        t.ThreadList.Add(new ThreadInfo(0, 1, 0, new RegisterContext(Machine.X64, [new Register("rip", 0x77, 64)])));
        var session = new Ntdbg.Commands.Session.DebugSession(t);
        Run.Text(t, ".cxr 9000", session);
        Assert.Equal("rax=0000000000001234", Run.Text(t, "r rax", session).Trim());
        Assert.Equal("Resetting default scope", Run.Text(t, ".cxr", session).Trim());
        Assert.Equal("rip=0000000000000077", Run.Text(t, "r rip", session).Trim());
        Assert.Contains("cannot read the context record", Run.Text(t, ".cxr 5000", session));
    }

    [Fact]
    public void TimeAndVertargetReadTheDumpHeader()
    {
        using var t = TargetLoader.Open(TestData.Repo("fixtures/out/crash-x64.dmp"));
        var lines = Run.Lines(t, "vertarget; .time -h 0");
        var dumpTime = t.Times.DumpTime!.Value;
        Assert.Matches(@"^Windows .* Version \d+ .*\((\d+) procs\) Free x64$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"Debug session time: {dumpTime:ddd MMM} {dumpTime.Day,2} {dumpTime:HH:mm:ss}"));
    }
}
