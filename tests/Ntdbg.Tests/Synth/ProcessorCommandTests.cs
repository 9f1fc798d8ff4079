using System.Text.Json;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Json;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// Processors on the synthetic dumps of every build, full and bitmap: `!pcr`, `!prcb` and
/// `!irql` show, for each processor, the _KPCR/_KPRCB values the scenario wrote at the build's ISF
/// offsets; `~Ns` switches to a processor and its saved context; `vertarget` reports the
/// processor count, the build lab written at nt!NtBuildLab, the kernel base and the uptime.
/// </summary>
public sealed class ProcessorCommandTests
{
    private static string X(ulong v) => v.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void PcrPrcbAndIrqlShowWhatEachProcessorHolds(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"cpu-{build}.dmp", bytes));
        var session = new DebugSession(target, isf);
        Assert.Equal(2, scenario.Processors.Count);
        Assert.Equal(scenario.ProcessorCount, target.Header.NumberProcessors);

        foreach (var p in scenario.Processors)
        {
            var pcr = Run.Text(target, $"!pcr {p.Number}", session).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.Equal($"KPCR for Processor {p.Number} at {X(p.Kpcr)}:", pcr[0]);
            Assert.Equal("    Major 1 Minor 1", pcr[1]);
            Assert.Contains($"                  SelfPcr: {X(p.Kpcr)}", pcr);
            Assert.Contains($"                     Prcb: {X(p.Prcb)}", pcr);
            Assert.Contains($"                     Irql: {X(p.PcrIrql)}", pcr);
            Assert.Contains($"                      IDT: {X(p.IdtBase)}", pcr);
            Assert.Contains($"                      GDT: {X(p.GdtBase)}", pcr);
            Assert.Contains($"                      TSS: {X(p.TssBase)}", pcr);
            // x64's _KPCR overlays NtTib with GdtBase/TssBase: WinDbg prints the raw words.
            Assert.Contains($"      NtTib.ExceptionList: {X(p.GdtBase)}", pcr);
            Assert.Contains($"            CurrentThread: {X(p.CurrentThread)}", pcr);
            Assert.Contains($"               NextThread: {X(0)}", pcr);
            Assert.Contains($"               IdleThread: {X(p.IdleThread)}", pcr);

            string prcb = Run.Text(target, $"!prcb {p.Number}", session).Replace("\r", "", StringComparison.Ordinal);
            Assert.Equal(
                $"PRCB for Processor {p.Number} at {X(p.Prcb)}:\n" +
                $"Current IRQL -- {p.PcrIrql}\n" +
                $"Threads--  Current {X(p.CurrentThread)} Next {X(0)} Idle {X(p.IdleThread)}\n" +
                $"Processor Index {p.Number} Number (0, {p.Number}) GroupSetMember {1UL << (int)p.Number:x}\n" +
                $"Interrupt Count -- {p.InterruptCount:x8}\n" +
                $"Times -- Dpc    {p.DpcTime:x8} Interrupt {p.InterruptTime:x8} \n" +
                $"         Kernel {p.KernelTime:x8} User      {p.UserTime:x8} \n", prcb);

            Assert.StartsWith($"Debugger saved IRQL for processor 0x{p.Number:x} -- {p.DebuggerSavedIrql} (", Run.Text(target, $"!irql {p.Number}", session), StringComparison.Ordinal);
        }
        var outcome = new CommandExecutor(session).ExecuteLine("!prcb 1").Single();
        using var json = JsonDocument.Parse(JsonRendering.Render(outcome));
        Assert.Equal(scenario.Processors[1].InterruptCount, json.RootElement.GetProperty("result").GetProperty("interruptCount").GetUInt64());
        Assert.Contains("does not exist", Run.Text(target, "!prcb 2", session), StringComparison.Ordinal);
        // A number past 32 bits is no processor (not processor 0 after truncation).
        Assert.Contains("does not exist", Run.Text(target, "!pcr 100000000", session), StringComparison.Ordinal);
        Assert.Contains("does not exist", Run.Text(target, "!irql 100000000", session), StringComparison.Ordinal);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void SwitchingProcessorsAndVertarget(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"cpu-{build}.dmp", bytes));
        var session = new DebugSession(target, isf);
        var other = scenario.Processors[1];

        Assert.Equal("0: kd> ", session.Prompt);
        string regs = Run.Text(target, "~1s", session);
        Assert.Equal("1: kd> ", session.Prompt);
        Assert.Contains($"rip={X(other.SavedRip)} rsp={X(other.SavedRsp)}", regs, StringComparison.Ordinal);
        Assert.Contains("nt!KiIdleLoop+0x", regs, StringComparison.Ordinal);
        Assert.StartsWith($"KPCR for Processor 1 at {X(other.Kpcr)}:", Run.Text(target, "!pcr", session), StringComparison.Ordinal);
        Assert.StartsWith("Debugger saved IRQL for processor 0x1 -- 0 (LOW_LEVEL)", Run.Text(target, "!irql", session), StringComparison.Ordinal);
        Run.Text(target, "~0s", session);
        Assert.Equal("0: kd> ", session.Prompt);
        Assert.StartsWith($"KPCR for Processor 0 at {X(scenario.Processors[0].Kpcr)}:", Run.Text(target, "!pcr", session), StringComparison.Ordinal);
        Assert.Contains("processor 7 does not exist (the dump has 2)", Run.Text(target, "~7s", session), StringComparison.Ordinal);
        Assert.Equal("0: kd> ", session.Prompt);

        string ver = Run.Text(target, "vertarget", session).Replace("\r", "", StringComparison.Ordinal);
        Assert.Contains($" Kernel Version {build} MP (2 procs) Free x64\n", ver, StringComparison.Ordinal);
        string lab = BuildLabWriter.Labs[build];
        Assert.Contains(build < 10240 ? $"\nBuilt by: {lab}\n" : $"\nEdition build lab: {lab}\n", ver, StringComparison.Ordinal);
        static string Tick(ulong v) => $"{v >> 32:x8}`{v & 0xffffffff:x8}";
        Assert.Contains($"Kernel base = 0x{Tick(KernelScenario.KernelBase)} PsLoadedModuleList = 0x{Tick(scenario.PsLoadedModuleList)}\n", ver, StringComparison.Ordinal);
        var up = TimeSpan.FromTicks((long)new KernelDumpBuilder().SystemUpTime);
        Assert.Contains($"System Uptime: {up.Days} days {up.Hours}:{up.Minutes:d2}:{up.Seconds:d2}.{up.Milliseconds:d3}\n", ver, StringComparison.Ordinal);
    }
}
