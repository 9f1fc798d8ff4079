using System.Text.Json;
using Ntdbg.Cli;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Cli;

public class DebuggerHostTests
{
    private static FakeTarget Target()
    {
        var t = new FakeTarget();
        t.Regions.Add(0x1000, "Leak here\0"u8.ToArray());
        t.ThreadList.Add(new ThreadInfo(0, 0x42, 0x7000, new RegisterContext(Machine.X64, [new Register("rip", 0x1000, 64)])));
        return t;
    }

    [Fact]
    public void BatchCommandsEchoThePromptAndStopAtQ()
    {
        var o = new StringWriter();
        var opts = CliOptions.Parse(["-z", "x.dmp", "-q", "-c", "? 0n10; q; ? 5"]);
        new DebuggerHost(opts, o, new StringReader("")).Run(Target());
        var lines = o.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(["0:000> ? 0n10", "Evaluate expression: 10 = 00000000`0000000a", "0:000> q"], lines);
    }

    [Fact]
    public void InteractivePromptReadsUntilQuit()
    {
        var o = new StringWriter();
        var opts = CliOptions.Parse(["-z", "x.dmp", "-q"]);
        new DebuggerHost(opts, o, new StringReader("da 1000\nq\n? 1\n")).Run(Target());
        string text = o.ToString();
        Assert.Contains("0:000> 00000000`00001000  \"Leak here\"", text);
        Assert.DoesNotContain("Evaluate expression: 1", text);
    }

    [Fact]
    public void JsonModePrintsOneObjectPerCommand()
    {
        var o = new StringWriter();
        var opts = CliOptions.Parse(["-z", "x.dmp", "--json", "-c", "s -a 0 L?10000 \"Leak\"; db 5000"]);
        new DebuggerHost(opts, o, new StringReader("")).Run(Target());
        var lines = o.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var search = JsonDocument.Parse(lines[0]);
        Assert.Equal("SearchResult", search.RootElement.GetProperty("type").GetString());
        Assert.Equal(0x1000UL, search.RootElement.GetProperty("result").GetProperty("hits")[0].GetProperty("address").GetUInt64());
        using var db = JsonDocument.Parse(lines[1]);
        var fault = db.RootElement.GetProperty("result").GetProperty("fault");
        Assert.Equal("NotInDump", fault.GetProperty("kind").GetString());
        Assert.Equal(0x5000UL, fault.GetProperty("address").GetUInt64());
    }

    [Theory]
    [InlineData("-c")]
    [InlineData("--bogus")]
    public void BadArgumentsAreUsageErrors(string arg) =>
        Assert.Throws<UsageException>(() => CliOptions.Parse(["-z", "x.dmp", arg]));
}
