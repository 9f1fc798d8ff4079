using Ntdbg.Commands.Engine;

namespace Ntdbg.Tests.Commands;

public class CommandRegistryTests
{
    [Theory]
    [InlineData("lmvm nt", "lm", "vm nt")]
    [InlineData("lm a fffff880`044b63aa", "lm", " a fffff880`044b63aa")]
    [InlineData("dqs @rsp", "dqs", " @rsp")]
    [InlineData("dq @rsp", "dq", " @rsp")]
    [InlineData("db1000", "db", "1000")]
    [InlineData("!for_each_module s -a @#Base @#End \"Leak\"", "!for_each_module", " s -a @#Base @#End \"Leak\"")]
    [InlineData(".time -h 0", ".time", " -h 0")]
    [InlineData("~2s", "~", "2s")]
    [InlineData("? 1+1", "?", " 1+1")]
    [InlineData("s -a 0 L10 \"x\"", "s", " -a 0 L10 \"x\"")]
    public void SplitsCommandWords(string line, string name, string args)
    {
        var m = CommandRegistry.Default.Match(line);
        Assert.NotNull(m);
        Assert.Equal(name, m.Value.Name);
        Assert.Equal(args, m.Value.Args);
    }

    [Fact]
    public void EveryCommandHasHelp()
    {
        Assert.NotEmpty(CommandRegistry.Default.Commands);
        foreach (var d in CommandRegistry.Default.Commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Attribute.Summary), $"{d.Attribute.Name} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(d.Attribute.Usage), $"{d.Attribute.Name} has no usage");
        }
    }

    [Fact]
    public void HelpListsEveryCommand()
    {
        var t = new Support.FakeTarget();
        string help = Run.Text(t, ".help");
        foreach (var d in CommandRegistry.Default.Commands) Assert.Contains(d.Attribute.Name, help);
    }

    [Fact]
    public void SplitsOnSemicolonsOutsideQuotes()
    {
        Assert.Equal(["s -a 0 L10 \"a;b\"", "q"], CommandSplitter.Split("s -a 0 L10 \"a;b\"; q"));
        Assert.Equal(["$$ note", "lm", "* rest; of line"], CommandSplitter.Split("$$ note; lm; * rest; of line"));
        Assert.Equal(["lm", ".sympath srv*c:\\sym*https://x;d:\\local"], CommandSplitter.Split("lm; .sympath srv*c:\\sym*https://x;d:\\local"));
    }
}
