using System.Diagnostics;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;
using Ntdbg.Targets;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>
/// Stack walking and crash analysis on damaged dumps: random bytes of real dumps (stacks,
/// contexts, exception records, code) are overwritten and `~* kv; !analyze -v; uf @rip` must end
/// without an unexpected exception or a hang; a dump that no longer opens fails with a format error.
/// </summary>
public sealed class StackMutationTests
{
    [Theory]
    [InlineData("fixtures/out/crash-x64.dmp")]
    [InlineData("fixtures/out/crash-x86.dmp")]
    [InlineData("fixtures/out/deepstack-x86.dmp")]
    public void MutatedDumpsNeverThrowOrHang(string fixture)
    {
        byte[] original = File.ReadAllBytes(TestData.Repo(fixture));
        var random = new Random(fixture.Length);
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-stackmut-{Environment.ProcessId}-{Path.GetFileName(fixture)}");
        int analyzed = 0;
        try
        {
            for (int round = 0; round < 40; round++)
            {
                byte[] bytes = (byte[])original.Clone();
                // Skip the header and directory so most mutants still open; hit the data.
                for (int n = 0; n < 64; n++) bytes[random.Next(0x200, bytes.Length)] = (byte)random.Next(256);
                File.WriteAllBytes(path, bytes);
                ITarget target;
                try { target = TargetLoader.Open(path); }
                catch (DumpFormatException) { continue; }
                using (target)
                {
                    var session = new DebugSession(target, TestData.Repo("fixtures/out"));
                    var executor = new CommandExecutor(session);
                    var clock = Stopwatch.StartNew();
                    foreach (var outcome in executor.ExecuteLine("~* kv; .ecxr; kn; !analyze -v; uf @rip")) _ = outcome;
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"round {round} took {clock.Elapsed}");
                    analyzed++;
                }
            }
            Assert.True(analyzed >= 20, $"only {analyzed} of 40 mutants opened: the test would not exercise the walker");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
