using Ntdbg.Cli.Bench;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Heaps;

/// <summary>`ntdbg bench heap` on a small heap: the walk must find exactly the blocks written (its own check, exit 1 otherwise).</summary>
public class HeapBenchTests
{
    [SharedDataFact("kernel/isf")]
    public void BenchHeapWalksWhatItWrote()
    {
        var output = new StringWriter();
        int exit = HeapBenchCommand.Run(["-y", TestData.Shared("kernel/isf"), "--allocations", "5000", "--runs", "1"], output);
        string text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("run 1: open + !heap -s + !heap -stat in ", text);
        Assert.Contains("5000 busy blocks", text);
    }

    [Fact]
    public void BadArgumentsExitTwo() => Assert.Equal(2, HeapBenchCommand.Run(["--allocations", "x"], new StringWriter()));
}
