using Ntdbg.Commands.Language;
using Ntdbg.Commands.Session;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

public class ExpressionTests
{
    private static DebugSession Session()
    {
        var t = new FakeTarget();
        t.Regions.Add(0x1000, BitConverter.GetBytes(0x1122334455667788UL));
        t.ModuleList.Add(new ModuleInfo(@"C:\Windows\System32\ntdll.dll", 0x7ff800000000, 0x1000, 0, 0));
        t.ThreadList.Add(new ThreadInfo(0, 0x10, 0x7000, new RegisterContext(Machine.X64,
            [new Register("rax", 0x20, 64), new Register("rip", 0x7ff800000010, 64), new Register("rsp", 0x1000, 64)])));
        return new DebugSession(t);
    }

    [Theory]
    [InlineData("10", 0x10UL)]
    [InlineData("0n10", 10UL)]
    [InlineData("0x10", 0x10UL)]
    [InlineData("0y101", 5UL)]
    [InlineData("0t17", 15UL)]
    [InlineData("fffff880`044b63aa", 0xfffff880044b63aaUL)]
    [InlineData("1+2*3", 7UL)]
    [InlineData("(1+2)*3", 9UL)]
    [InlineData("10000/4", 0x4000UL)]
    [InlineData("1 + 2", 3UL)]
    [InlineData("-1", ulong.MaxValue)]
    [InlineData("8b5cf000-1000*2", 0x8b5cd000UL)]
    [InlineData("1 << 4", 0x10UL)]
    [InlineData("7 & 3", 3UL)]
    [InlineData("5 == 5", 1UL)]
    [InlineData("0n17 % 5", 2UL)]
    [InlineData("@rax", 0x20UL)]
    [InlineData("rax+1", 0x21UL)]
    [InlineData("eax", 0x20UL)]
    [InlineData("@$ip", 0x7ff800000010UL)]
    [InlineData("$ptrsize", 8UL)]
    [InlineData("ntdll", 0x7ff800000000UL)]
    [InlineData("ntdll+0x20", 0x7ff800000020UL)]
    [InlineData("poi(1000)", 0x1122334455667788UL)]
    [InlineData("dwo(@rsp)", 0x55667788UL)]
    [InlineData("by(1001)", 0x77UL)]
    [InlineData("hi(12345678)", 0x1234UL)]
    [InlineData("low(12345678)", 0x5678UL)]
    public void Evaluates(string text, ulong expected) =>
        Assert.Equal(expected, Session().CreateEvaluator().Evaluate(text));

    [Theory]
    [InlineData("poi(2000)", "Memory access error")]
    [InlineData("nosuchthing", "Couldn't resolve")]
    [InlineData("1/0", "Divide by zero")]
    [InlineData("(1+2", "Syntax error")]
    [InlineData("@nosuchreg", "Bad register")]
    public void ReportsErrors(string text, string message)
    {
        var e = Assert.Throws<ExpressionException>(() => Session().CreateEvaluator().Evaluate(text));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public void DeepNestingIsRefusedNotOverflowed(int depth)
    {
        string text = new string('(', depth) + "1" + new string(')', depth);
        var ev = Session().CreateEvaluator();
        if (depth <= ExpressionEvaluator.MaxDepth) Assert.Equal(1UL, ev.Evaluate(text));
        else Assert.Contains("too complex", Assert.Throws<ExpressionException>(() => ev.Evaluate(text)).Message);
        Assert.Throws<ExpressionException>(() => ev.Evaluate(new string('-', depth * 10) + "1" + new string(')', 1)));
    }

    [Fact]
    public void StopsAtTheNextArgument()
    {
        var ev = Session().CreateEvaluator();
        int end = ev.Evaluate("esp esp+8", 0, out _);
        Assert.Equal(3, end);
    }

    [Theory]
    [InlineData("1000 L10", 1, 0x1000UL, 0x10UL)]
    [InlineData("1000 L?10000/4", 4, 0x1000UL, 0x10000UL)]
    [InlineData("1000 100f", 1, 0x1000UL, 0x10UL)]
    [InlineData("1000", 1, 0x1000UL, 0x80UL)]
    [InlineData("1000 l20", 8, 0x1000UL, 0x100UL)]
    public void ReadsRanges(string text, int elementSize, ulong start, ulong length)
    {
        var r = new ArgumentReader(text, Session().CreateEvaluator()).ReadRange(elementSize, 0x80, 0x10000000);
        Assert.Equal(start, r.Start);
        Assert.Equal(length, r.Length);
    }

    [Fact]
    public void RefusesHugeRangesWithoutQuestionMark()
    {
        var reader = new ArgumentReader("0 L20000000", Session().CreateEvaluator());
        Assert.Throws<ExpressionException>(() => reader.ReadRange(1, 0x80, 0x10000000));
        var ok = new ArgumentReader("0 L?20000000", Session().CreateEvaluator()).ReadRange(1, 0x80, 0x10000000);
        Assert.Equal(0x20000000UL, ok.Length);
    }
}
