using Ntdbg.Commands.Session;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

public class SymbolPathCommandTests
{
    [Fact]
    public void SympathShowsSetsAndAppends()
    {
        var t = new FakeTarget();
        var s = new DebugSession(t, @"srv*/tmp/ntdbg-sym-test*https://example.invalid/symbols");
        Assert.Equal("Symbol search path is: srv*/tmp/ntdbg-sym-test*https://example.invalid/symbols", Run.Text(t, ".sympath", s).Split('\n')[0].TrimEnd());
        Run.Text(t, ".sympath /opt/syms", s);
        Assert.Equal("/opt/syms", s.Symbols.Path.ToString());
        var lines = Run.Text(t, ".sympath+ cache*/tmp/c;srv*https://example.invalid/s", s).Split('\n');
        Assert.Equal("Symbol search path is: /opt/syms;cache*/tmp/c;srv*https://example.invalid/s", lines[0].TrimEnd());
        Assert.StartsWith("Expanded Symbol search path is: ", lines[1]);
        Assert.Contains("cache*/tmp/c", lines[1]);
    }

    [Fact]
    public void SymfixUsesTheMicrosoftServerBehindTheCache()
    {
        var t = new FakeTarget();
        var s = new DebugSession(t);
        var first = Run.Text(t, ".symfix /tmp/ntdbg-symfix", s).Split('\n')[0];
        Assert.Contains("msdl.microsoft.com/download/symbols", s.Symbols.Path.ToString());
        Assert.Contains("/tmp/ntdbg-symfix", s.Symbols.Path.ToString());
        Assert.StartsWith("Symbol search path is: ", first);
    }

    [Fact]
    public void SymTogglesNoisyMode()
    {
        var t = new FakeTarget();
        var s = new DebugSession(t);
        Assert.Equal("noisy mode - symbol prompts on", Run.Text(t, "!sym noisy", s).Trim());
        Assert.True(s.Symbols.Noisy);
        Assert.Equal("quiet mode - symbol prompts off", Run.Text(t, "!sym quiet", s).Trim());
        Assert.False(s.Symbols.Noisy);
    }
}
