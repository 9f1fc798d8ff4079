using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The first synthesizer scenario, for every build with an ISF table: a full and a bitmap dump
/// whose kernel globals sit at the table's RVAs, so ntdbg picks that table by the header's
/// anchors, lists the scenario's drivers and reads each _EPROCESS it wrote with `dt`.
/// </summary>
public sealed class KernelScenarioTests
{
    public static TheoryData<int, KernelDumpBuilder.Layout> Cases()
    {
        var data = new TheoryData<int, KernelDumpBuilder.Layout>();
        foreach (int build in IsfLayout.BuildGuidPrefix.Keys)
            foreach (var format in new[] { KernelDumpBuilder.Layout.Full, KernelDumpBuilder.Layout.Bitmap })
                data.Add(build, format);
        return data;
    }

    [SharedDataTheory]
    [MemberData(nameof(Cases))]
    public void BasicScenarioOpensWithItsBuildsTable(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        byte[] bytes = scenario.Write(format);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"basic-{build}.dmp", bytes));
        var session = new DebugSession(target, isf);

        Assert.Equal(scenario.Drivers.Select(d => d.Base), target.Modules.Select(m => m.Base));
        // `lm`: one line per driver, sorted by base: start, end (base + SizeOfImage) and the module name (nt for the kernel).
        var lm = Regex.Matches(Run.Text(target, "lm", session), @"^([0-9a-f]{8})`([0-9a-f]{8}) ([0-9a-f]{8})`([0-9a-f]{8})\s+(\S+)", RegexOptions.Multiline);
        var expected = scenario.Drivers.OrderBy(d => d.Base).ToList();
        Assert.Equal(expected.Count, lm.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var g = lm[i].Groups;
            Assert.Equal(expected[i].Base, Convert.ToUInt64(g[1].Value + g[2].Value, 16));
            Assert.Equal(expected[i].Base + expected[i].Size, Convert.ToUInt64(g[3].Value + g[4].Value, 16));
            string name = expected[i].Base == KernelScenario.KernelBase ? "nt" : Path.GetFileNameWithoutExtension(expected[i].FileName);
            Assert.Equal(name, g[5].Value);
        }
        string lmi = Run.Text(target, "!lmi nt", session);
        Assert.Contains(scenario.Layout.PdbKey.Split('-')[0], lmi.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

        for (int i = 0; i < scenario.Processes.Count; i++)
        {
            var p = scenario.Processes[i];
            ulong va = scenario.ProcessObjectAddresses[i];
            string dt = Run.Text(target, $"dt nt!_EPROCESS {va:x} UniqueProcessId InheritedFromUniqueProcessId ImageFileName", session);
            Assert.Matches($@"UniqueProcessId\s+: 0x0*{p.Pid:x}\b", dt.Replace("`", "", StringComparison.Ordinal));
            // A null pointer prints as "(null)", as dt does.
            string parent = p.ParentPid == 0 ? @"\(null\)" : $@"0x0*{p.ParentPid:x}\b";
            Assert.Matches($@"InheritedFromUniqueProcessId\s+: {parent}", dt.Replace("`", "", StringComparison.Ordinal));
            Assert.Contains($"\"{p.ImageName}\"", dt);
        }
        // The list at nt!PsActiveProcessHead leads to the first process's ActiveProcessLinks.
        string head = Run.Text(target, "dq nt!PsActiveProcessHead L1", session);
        ulong first = scenario.ProcessObjectAddresses[0] + scenario.Layout.OffsetOf("_EPROCESS", "ActiveProcessLinks");
        Assert.Contains($"{first >> 32:x8}`{first & 0xffffffff:x8}", head);
    }
}

/// <summary>`!process 0 0` on the synthetic dumps: every process the scenario linked, in list order, with its fields.</summary>
public sealed class ProcessListTests
{
    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ProcessZeroListsEveryProcessTheScenarioLinked(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"basic-{build}.dmp", scenario.Write(format)));
        string text = Run.Text(target, "!process 0 0", new DebugSession(target, isf));
        var blocks = Regex.Matches(text, @"^PROCESS ([0-9a-f]+)\n\s+SessionId: (\S+)\s+Cid: ([0-9a-f]+)\s+Peb: ([0-9a-f]+)\s+ParentCid: ([0-9a-f]+)\n\s+DirBase: ([0-9a-f]+).*\n\s+Image: (.*)$", RegexOptions.Multiline);
        Assert.StartsWith("**** NT ACTIVE PROCESS DUMP ****", text);
        Assert.Equal(scenario.Processes.Count, blocks.Count);
        for (int i = 0; i < blocks.Count; i++)
        {
            var p = scenario.Processes[i];
            var g = blocks[i].Groups;
            Assert.Equal(scenario.ProcessObjectAddresses[i], Convert.ToUInt64(g[1].Value, 16));
            Assert.Equal(p.SessionId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", g[2].Value);
            Assert.Equal(p.Pid, Convert.ToUInt64(g[3].Value, 16));
            Assert.Equal(p.ParentPid, Convert.ToUInt64(g[5].Value, 16));
            Assert.Equal(p.DirectoryTableBase, Convert.ToUInt64(g[6].Value, 16));
            Assert.Equal(p.ImageName, g[7].Value.Trim());
        }
        // An image name keeps only that process.
        var session = new DebugSession(target, isf);
        string lsass = Run.Text(target, "!process 0 0 LSASS.EXE", session);
        Assert.Single(Regex.Matches(lsass, "^PROCESS ", RegexOptions.Multiline));
        Assert.Contains("Image: lsass.exe", lsass);
        Assert.Empty(Regex.Matches(Run.Text(target, "!process 0 0 nosuch.exe", session), "^PROCESS ", RegexOptions.Multiline));
    }
}

/// <summary>`ntdbg-synth`: the command line writes a dump ntdbg opens; bad arguments exit 2 with the usage.</summary>
public sealed class SynthCliTests
{
    [SharedDataFact("kernel/isf")]
    public void WritesTheNamedScenarioForTheBuild()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-synth-{Environment.ProcessId}.dmp");
        try
        {
            var output = new StringWriter();
            int exit = Ntdbg.SynthCli.SynthProgram.Run(["basic", "--build", "22000", "--format", "bitmap", "-o", path, "--isf", TestData.Shared("kernel/isf")], output, TextWriter.Null);
            Assert.Equal(0, exit);
            using var target = KernelDumpTarget.Open(MappedFile.Open(path));
            Assert.Equal(22000u, target.System!.BuildNumber);
            Assert.Equal(4, target.Modules.Count);
            Assert.Equal("Kernel bitmap dump (64-bit)", target.FormatDescription);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ListsScenariosAndRefusesBadArguments()
    {
        var list = new StringWriter();
        Assert.Equal(0, Ntdbg.SynthCli.SynthProgram.Run(["--list"], list, TextWriter.Null));
        Assert.StartsWith("basic ", list.ToString());
        var error = new StringWriter();
        Assert.Equal(2, Ntdbg.SynthCli.SynthProgram.Run(["basic", "--build", "1234", "-o", "x.dmp"], TextWriter.Null, error));
        Assert.Contains("--build must be one of", error.ToString());
        Assert.Equal(2, Ntdbg.SynthCli.SynthProgram.Run(["nosuch", "--build", "19041", "-o", "x.dmp"], TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, Ntdbg.SynthCli.SynthProgram.Run([], TextWriter.Null, TextWriter.Null));
    }
}
