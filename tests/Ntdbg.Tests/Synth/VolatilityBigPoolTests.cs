using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// Volatility 3's windows.bigpools, an independent reader of nt!PoolBigPageTable, against ntdbg's
/// !poolfind on the pool-pages scenario of every build, full and bitmap (opt-in: NTDBG_VOLATILITY3
/// names a checkout). Both must list exactly the scenario's big 'Leak' allocations in use: address,
/// size and pool.
/// </summary>
public sealed class VolatilityBigPoolTests
{
    [VolatilityTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void BigpoolsAndPoolfindAgreeOnTheLeakAllocations(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = PoolScenarios.PoolPages(IsfLayout.ForBuild(isf, build), build);
        string dir = Directory.CreateTempSubdirectory("ntdbg-vol3-pool-").FullName;
        try
        {
            string dump = Path.Combine(dir, $"pool-pages-{build}-{format}.dmp");
            byte[] bytes = scenario.Write(format);
            File.WriteAllBytes(dump, bytes);
            var expected = scenario.PoolAllocations.BigPages.Where(b => b.Tag == "Leak" && !b.Free)
                .Select(b => (b.Va & Volatility.AddressMask, b.Size, b.Paged)).OrderBy(b => b.Item1).ToList();

            // Va is a pointer on 7601 (Volatility drops the sign extension) and a ULONG64 later (it keeps it): compare 48 bits.
            var volatility = Volatility.Run(dump, isf, dir, "windows.bigpools", "--tag", "Leak")
                .Select(r => (r.GetProperty("Allocation").GetUInt64() & Volatility.AddressMask, r.GetProperty("NumberOfBytes").GetUInt64(), r.GetProperty("PoolType").GetString()!.StartsWith("Paged", StringComparison.Ordinal)))
                .OrderBy(b => b.Item1).ToList();
            Assert.Equal(expected, volatility);

            var target = KernelDumpTarget.Open(MappedFile.FromBytes(dump, bytes));
            string output = Run.Text(target, "!poolfind Leak 0", new DebugSession(target, isf));
            var ntdbg = output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l.TrimEnd('\r'), @"^([0-9a-f]{16}) : tag Leak, size 0x([0-9a-f]+), (Paged|Nonpaged) pool$"))
                .Where(m => m.Success)
                .Select(m => (Convert.ToUInt64(m.Groups[1].Value, 16) & Volatility.AddressMask, Convert.ToUInt64(m.Groups[2].Value, 16), m.Groups[3].Value == "Paged"))
                .OrderBy(b => b.Item1).ToList();
            Assert.Equal(volatility, ntdbg);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
