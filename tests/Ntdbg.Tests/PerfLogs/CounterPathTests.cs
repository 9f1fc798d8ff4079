using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Counter paths in PDH's syntax (<c>\\Computer\Object(Parent/Instance#Index)\Counter</c>) and logman-style selection.</summary>
public class CounterPathTests
{
    public static TheoryData<string, string?, string, string?, string> Paths() => new()
    {
        { @"\Memory\Pool Paged Bytes", null, "Memory", null, "Pool Paged Bytes" },
        { @"\\SRV-01\Memory\Pool Nonpaged Bytes", "SRV-01", "Memory", null, "Pool Nonpaged Bytes" },
        { @"\\SRV-01\Processor(_Total)\% Processor Time", "SRV-01", "Processor", "_Total", "% Processor Time" },
        { @"\Thread(explorer/12#1)\Context Switches/sec", null, "Thread", "explorer/12#1", "Context Switches/sec" },
        { @"\Paging File(\??\C:\pagefile.sys)\% Usage", null, "Paging File", @"\??\C:\pagefile.sys", "% Usage" },
        { @"\\H\Process(app (x86))\Private Bytes", "H", "Process", "app (x86)", "Private Bytes" },
        { @"\Process(a)b)\ID Process", null, "Process", "a)b", "ID Process" },
        { @"\Server Work Queues(0)\Queue Length", null, "Server Work Queues", "0", "Queue Length" },
        { @"\.NET CLR Memory(_Global_)\# Bytes in all Heaps", null, ".NET CLR Memory", "_Global_", "# Bytes in all Heaps" },
        { @"\Network Interface(Intel[R] Ethernet)\Bytes Total/sec", null, "Network Interface", "Intel[R] Ethernet", "Bytes Total/sec" },
        { @"\Processor Information(0,1)\% Processor Time", null, "Processor Information", "0,1", "% Processor Time" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void PathsParseIntoTheirPartsAndPrintBack(string text, string? machine, string obj, string? instance, string counter)
    {
        var path = CounterPathParser.Parse(text);
        Assert.Equal(new CounterPath(machine, obj, instance, counter), path);
        Assert.Equal(text, path.ToString());
    }

    [Theory]
    [InlineData("Memory\\Pool Paged Bytes", "must start with")]
    [InlineData(@"\Memory", "no \\Counter")]
    [InlineData(@"\Memory\", "counter name is empty")]
    [InlineData(@"\\\Memory\X", "\\\\Machine must be followed")]
    [InlineData(@"\\HOST", "\\\\Machine must be followed")]
    [InlineData(@"\(x)\Y", "object name is empty")]
    [InlineData(@"\A\B\C", "backslash in the object name")]
    [InlineData("", "must start with")]
    public void NonPathsAreRefusedWithAReason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => CounterPathParser.Parse(text));
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("svchost#3", null, "svchost", 3)]
    [InlineData("explorer/12", "explorer", "12", null)]
    [InlineData("explorer/12#1", "explorer", "12", 1)]
    [InlineData("C#", null, "C#", null)]
    [InlineData("_Total", null, "_Total", null)]
    public void InstancePartsSplitParentNameAndIndex(string instance, string? parent, string name, int? index)
    {
        var parts = CounterInstance.Parse(instance);
        Assert.Equal(new CounterInstance(parent, name, index), parts);
        Assert.Equal(instance, parts.ToString());
    }

    private static readonly CounterPath[] Log =
    [
        CounterPathParser.Parse(@"\\WEB01\Memory\Pool Paged Bytes"),
        CounterPathParser.Parse(@"\\WEB01\Memory\Available Bytes"),
        CounterPathParser.Parse(@"\\DB02\Memory\Pool Paged Bytes"),
        CounterPathParser.Parse(@"\\WEB01\Process(svchost)\Private Bytes"),
        CounterPathParser.Parse(@"\\WEB01\Process(svchost#1)\Private Bytes"),
        CounterPathParser.Parse(@"\\WEB01\Process(sqlservr)\Handle Count"),
        CounterPathParser.Parse(@"\\WEB01\Processor(_Total)\% Processor Time"),
        CounterPathParser.Parse(@"\\WEB01\Paging File(\??\C:\pagefile.sys)\% Usage"),
    ];

    [Theory]
    [InlineData(@"\Memory\*", new[] { 0, 1, 2 })]
    [InlineData(@"\memory\pool paged bytes", new[] { 0, 2 })]
    [InlineData(@"\\*\Memory\Pool Paged Bytes", new[] { 0, 2 })]
    [InlineData(@"\\db02\Memory\*", new[] { 2 })]
    [InlineData(@"\Process(*)\Private Bytes", new[] { 3, 4 })]
    [InlineData(@"\Process(svchost#*)\*", new[] { 4 })]
    [InlineData(@"\Process(svc*)\*", new[] { 3, 4 })]
    [InlineData(@"\Process\Private Bytes", new int[0])]
    [InlineData(@"\*(*)\*", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData(@"\Paging File(\??\C:\pagefile.sys)\% Usage", new[] { 7 })]
    [InlineData(@"\Pro*(*)\*Time", new[] { 6 })]
    public void WildcardsSelectLikeLogman(string pattern, int[] expected)
    {
        var selector = new CounterSelector([pattern]);
        Assert.Equal(expected, Enumerable.Range(0, Log.Length).Where(i => selector.Matches(Log[i])));
    }

    [Fact]
    public void SeveralPatternsSelectTheUnionInLogOrder()
    {
        var log = new CounterLog("x", null, [], [.. Log.Select(p => new CounterSeries(p, []))]);
        var selected = new CounterSelector([@"\Processor(*)\*", @"\Memory\Available Bytes"]).Select(log).Select(s => s.Path).ToList();
        Assert.Equal([Log[1], Log[6]], selected);
    }
}
