using System.Text;
using Ntdbg.Cli.Bench;
using Ntdbg.Commands.Session;
using Ntdbg.Formats.KernelDump;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The kernel benchmarks' machine written as a sparse full dump (SparseDumpWriter): for every
/// build, ntdbg opens it with the build's table, lists every process with !process 0 0, reads each
/// process's user pages through the process's own DirBase and the large pages through the kernel's;
/// a 4 GiB dump has the whole RAM in its runs yet uses little disk; and `ntdbg bench kernel` runs on a
/// small one (not timed).
/// </summary>
public sealed class BenchScenarioTests
{
    private const int Processes = 12;

    public static TheoryData<int> Builds() => [.. IsfLayout.BuildGuidPrefix.Keys];

    private static string TempDump(string name) => Path.Combine(Path.GetTempPath(), $"ntdbg-{name}-{Guid.NewGuid():N}.dmp");

    [SharedDataTheory]
    [MemberData(nameof(Builds))]
    public void SparseBenchDumpOpensAndEveryProcessReadsThroughItsOwnTables(int build)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = BenchScenario.Make(IsfLayout.ForBuild(isf, build), build, Processes);
        string path = TempDump($"bench-{build}");
        try
        {
            const ulong ram = 256UL << 20;
            SparseDumpWriter.Write(path, scenario, ram);
            using var target = KernelDumpTarget.Open(path);
            Assert.Empty(target.Warnings);
            Assert.Equal(ram / 0x1000, target.Dump.Pages!.PresentPageCount);
            var session = new DebugSession(target, isf);

            string list = Run.Text(target, "!process 0 0", session);
            Assert.Equal(Processes, list.Split('\n').Count(l => l.StartsWith("PROCESS ", StringComparison.Ordinal)));
            foreach (var p in scenario.Processes) Assert.Contains($"Image: {p.ImageName}", list, StringComparison.Ordinal);

            var kernel = target.AddressSpace!;
            for (int i = 1; i < scenario.Processes.Count; i++)
            {
                var p = scenario.Processes[i];
                var space = kernel.WithDirectoryTableBase(p.DirectoryTableBase);
                ulong image = BenchScenario.ImageBase + (ulong)(i % 64) * 0x1000_0000;
                var head = new byte[0x40 + p.ImageName.Length];
                Assert.Equal(head.Length, space.Read(image, head, out _));
                Assert.Equal("MZ", Encoding.ASCII.GetString(head, 0, 2));
                Assert.Equal(p.ImageName, Encoding.ASCII.GetString(head, 0x40, p.ImageName.Length));
                var pid = new byte[8];
                Assert.Equal(8, space.Read(BenchScenario.StackBase + (ulong)i * 0x10000 + 0x1ff8, pid, out _));
                Assert.Equal(p.Pid, BitConverter.ToUInt64(pid));
                // The kernel half is shared: the process's tables reach its own _EPROCESS too.
                Assert.True(space.TryWalk(scenario.ProcessObjectAddresses[i], out var viaProcess, out _));
                Assert.True(kernel.TryWalk(scenario.ProcessObjectAddresses[i], out var viaKernel, out _));
                Assert.Equal(viaKernel, viaProcess);
            }
            for (int j = 0; j < BenchScenario.LargePages; j++)
            {
                ulong va = BenchScenario.LargePageVa + (ulong)j * 0x20_0000;
                Assert.True(kernel.TryWalk(va + 0x1234, out var t, out _));
                Assert.Equal((BenchScenario.LargePagePhysical + (ulong)j * 0x20_0000 + 0x1234, 0x20_0000UL), (t.PhysicalAddress, t.PageSize));
                var marker = new byte[8];
                Assert.Equal(8, target.Memory.Read(va, marker, out _));
                Assert.NotEqual(0UL, BitConverter.ToUInt64(marker));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SharedDataFact("kernel/isf")]
    public void FourGiBDumpHoldsTheWholeRamInRunsAroundTheHoleAndStaysSparse()
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = BenchScenario.Make(IsfLayout.ForBuild(isf, 19041), 19041, Processes);
        string path = TempDump("bench-4g");
        try
        {
            const ulong ram = 4UL << 30;
            SparseDumpWriter.Write(path, scenario, ram);
            Assert.Equal(0x2000 + (long)ram, new FileInfo(path).Length);
            using var target = KernelDumpTarget.Open(path);
            var runs = ((RunPageMap)target.Dump.Pages!).Runs;
            Assert.Equal(ram / 0x1000, runs.Aggregate(0UL, (n, r) => n + r.PageCount));
            Assert.True(runs.Count >= 2);
            // No RAM between 3 GiB and 4 GiB (the PCI hole), some above 4 GiB.
            Assert.DoesNotContain(runs, r => r.FirstPfn < 0x100000 && r.FirstPfn + r.PageCount > 0xC0000);
            Assert.Contains(runs, r => r.FirstPfn >= 0x100000);
            // A frame no one wrote is a hole of the file: it reads as zeros.
            var buffer = new byte[16];
            Assert.Equal(16, target.PhysicalMemory.Read(0xB000_0000, buffer, out _));
            Assert.All(buffer, b => Assert.Equal(0, b));
            Assert.Equal(Processes, Run.Text(target, "!process 0 0", new DebugSession(target, isf)).Split('\n').Count(l => l.StartsWith("PROCESS ", StringComparison.Ordinal)));
            if (OperatingSystem.IsLinux() && Tools.Find("du") != null)
            {
                // Allocated size (KiB): far below the 4 GiB the file spans.
                long kib = long.Parse(Tools.Run("du", "-k", path).Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(kib < 256 * 1024, $"{kib} KiB allocated");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SharedDataFact("kernel/isf")]
    public void BenchKernelRunsOnASmallDump()
    {
        string isf = TestData.Shared("kernel/isf");
        const int processes = 20;
        var scenario = BenchScenario.Make(IsfLayout.ForBuild(isf, 19041), 19041, processes);
        string path = TempDump("bench-cli");
        try
        {
            SparseDumpWriter.Write(path, scenario, 256UL << 20);
            string ntdbg = typeof(KernelBenchCommand).Assembly.Location; // ntdbg.dll, run with dotnet
            var output = new StringWriter();
            int rc = KernelBenchCommand.Run(["--dump", path, "-y", isf, "--ntdbg", ntdbg, "--processes", $"{processes}", "--runs", "1", "--translations", "200000", "--no-check"], output);
            string text = output.ToString();
            Assert.True(rc == 0, text);
            Assert.Contains($"run 1 (cold: empty ISF cache): {processes} processes", text, StringComparison.Ordinal);
            Assert.Contains($"run 2 (warm): {processes} processes", text, StringComparison.Ordinal);
            // The translation set found in the dump matches what the scenario mapped.
            int userPages = (processes - 1) * (BenchScenario.ImagePages + BenchScenario.StackPages);
            int largePieces = BenchScenario.LargePages * 512;
            Assert.Contains($"({userPages:N0} user pages of {processes} processes, {processes} _EPROCESS pages, {largePieces:N0} 4 KiB pieces of large pages)", text, StringComparison.Ordinal);
            Assert.Contains("translations: 200,000 random addresses", text, StringComparison.Ordinal);

            // A wrong process count fails even with --no-check.
            Assert.Equal(1, KernelBenchCommand.Run(["--dump", path, "-y", isf, "--ntdbg", ntdbg, "--processes", $"{processes + 1}", "--runs", "1", "--translations", "1000", "--no-check"], new StringWriter()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SharedDataFact("kernel/isf")]
    public void SynthCliWritesTheSparseDumpWithMemoryAndRefusesTooLittle()
    {
        string isf = TestData.Shared("kernel/isf");
        string path = TempDump("synth-cli");
        try
        {
            var list = new StringWriter();
            Assert.Equal(0, Ntdbg.SynthCli.SynthProgram.Run(["--list"], list, TextWriter.Null));
            Assert.Contains("bench-500 ", list.ToString(), StringComparison.Ordinal);
            var output = new StringWriter();
            Assert.Equal(0, Ntdbg.SynthCli.SynthProgram.Run(["bench-500", "--build", "19041", "--memory", "256M", "-o", path, "--isf", isf], output, TextWriter.Null));
            Assert.Contains("500 processes", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(0x2000 + (256L << 20), new FileInfo(path).Length);
            using (var target = KernelDumpTarget.Open(path))
                Assert.Equal(500, Run.Text(target, "!process 0 0", new DebugSession(target, isf)).Split('\n').Count(l => l.StartsWith("PROCESS ", StringComparison.Ordinal)));

            // The scenario's pages reach past 16 MiB: a smaller machine cannot hold them.
            var error = new StringWriter();
            Assert.Equal(2, Ntdbg.SynthCli.SynthProgram.Run(["bench-500", "--build", "19041", "--memory", "16M", "-o", path, "--isf", isf], TextWriter.Null, error));
            Assert.Contains("too small", error.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(path));
            Assert.Equal(2, Ntdbg.SynthCli.SynthProgram.Run(["bench-500", "--build", "19041", "--memory", "4G", "--format", "bitmap", "-o", path, "--isf", isf], TextWriter.Null, TextWriter.Null));
            Assert.Equal(2, Ntdbg.SynthCli.SynthProgram.Run(["bench-500", "--build", "19041", "--memory", "lots", "-o", path, "--isf", isf], TextWriter.Null, TextWriter.Null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadArgumentsAndMissingDumpExitWithTwo()
    {
        Assert.Equal(2, KernelBenchCommand.Run(["--bogus"], new StringWriter()));
        Assert.Equal(2, KernelBenchCommand.Run([], new StringWriter()));
        Assert.Equal(2, KernelBenchCommand.Run(["--dump", "/nonexistent/x.dmp"], new StringWriter()));
    }
}
