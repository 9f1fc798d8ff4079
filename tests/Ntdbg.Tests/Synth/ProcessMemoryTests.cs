using System.Globalization;
using System.Text;
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
/// Process address spaces in the basic scenario, for every build × full/bitmap: each process's
/// private page sits at the same user address with its own text, so `.process` must switch to
/// that process's page tables for `db`/`du` to show it; `/r` lists the modules its PEB's loader
/// list names; `!session` finds sessions 0 and 1 and `-s` switches into one. Every expected value
/// is what the synthesizer wrote (laid out from the ISF JSON, not from ntdbg's reader).
/// </summary>
public sealed class ProcessMemoryTests
{
    internal static (KernelScenario Scenario, KernelDumpTarget Target, DebugSession Session) Open(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        var target = KernelDumpTarget.Open(MappedFile.FromBytes($"basic-{build}.dmp", scenario.Write(format)));
        return (scenario, target, new DebugSession(target, isf));
    }

    internal static string Backtick(ulong v) => $"{v >> 32:x8}`{v & 0xffffffff:x8}";

    /// <summary>The bytes a `db` display shows, in order (the hex columns only).</summary>
    internal static byte[] DbBytes(string text) =>
        Regex.Matches(text, @"^[0-9a-f]{8}`[0-9a-f]{8}  ((?:[0-9a-f?]{2}[ -]){1,16})", RegexOptions.Multiline)
            .SelectMany(m => m.Groups[1].Value.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries))
            .Where(b => b != "??")
            .Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToArray();

    /// <summary>The process owning the scenario's running thread: the default (implicit) process.</summary>
    internal static int DefaultProcessIndex(KernelScenario scenario) =>
        scenario.Processes.FindIndex(p => p.Threads.Any(t => t.State == SyntheticThreadState.Running));

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ProcessSwitchReadsThatProcesssOwnUserPages(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = Open(build, format);
        using var _ = target;
        ulong marker = UserSpaceWriter.MarkerVa;
        int checkedProcesses = 0;
        for (int i = 0; i < scenario.Processes.Count; i++)
        {
            var p = scenario.Processes[i];
            if (p.UserTables == null) continue;
            ulong eprocess = scenario.ProcessObjectAddresses[i];
            string switched = Run.Text(target, $".process /p /r {eprocess:x}", session);
            Assert.Contains($"Implicit process is now {Backtick(eprocess)}", switched);
            Assert.Contains(".cache forcedecodeuser done", switched);
            // /r: the modules on the PEB's loader list, with their bases.
            foreach (var (moduleBase, name, _) in UserSpaceWriter.Modules(p))
                Assert.Matches($@"(?m)^{Backtick(moduleBase)} {Backtick(moduleBase + 0x1000)}\s+{Regex.Escape(name)}$", switched.Replace("\r", "", StringComparison.Ordinal));

            byte[] ascii = DbBytes(Run.Text(target, $"db {marker:x} L{p.Marker.Length:x}", session));
            Assert.Equal(p.Marker, Encoding.ASCII.GetString(ascii));
            string du = Run.Text(target, $"du {marker + UserSpaceWriter.MarkerUnicodeOffset:x}", session);
            Assert.Equal(p.Marker, string.Concat(Regex.Matches(du, "\"([^\"\n]*)\"?").Select(m => m.Groups[1].Value)));
            // The PEB the EPROCESS names is readable in this process and names the image base.
            string peb = Run.Text(target, $"dq {p.Peb + scenario.Layout.OffsetOf("_PEB", "ImageBaseAddress"):x} L1", session);
            Assert.Contains(Backtick(p.ImageBase), peb);
            // The image there starts with MZ.
            Assert.Equal("MZ"u8.ToArray(), DbBytes(Run.Text(target, $"db {p.ImageBase:x} L2", session)));
            // Kernel addresses still read in this process (the kernel half is shared).
            Assert.Contains(Backtick(scenario.ProcessObjectAddresses[0] + scenario.Layout.OffsetOf("_EPROCESS", "ActiveProcessLinks")),
                Run.Text(target, "dq nt!PsActiveProcessHead L1", session));
            // !process -1 is the implicit process.
            Assert.Matches($@"(?m)^PROCESS {eprocess:x16}\r?$", Run.Text(target, "!process -1 0", session));
            // The image's NT path the EPROCESS keeps for auditing (SeAuditProcessCreationInfo.ImageFileName → _OBJECT_NAME_INFORMATION).
            ulong nameInfo = eprocess + scenario.Layout.OffsetOf("_EPROCESS", "SeAuditProcessCreationInfo.ImageFileName");
            string path = Run.Text(target, $"du poi(poi({nameInfo:x})+8) L100", session);
            Assert.Equal(ProcessDetailsWriter.DevicePrefix + p.ImagePath[2..], string.Concat(Regex.Matches(path, "\"([^\"\n]*)\"?").Select(m => m.Groups[1].Value)));
            checkedProcesses++;
        }
        Assert.Equal(scenario.Processes.Count - 1, checkedProcesses);

        // `.process` alone names the implicit process; `.process 0` goes back to the default one,
        // the process of the thread that was running (the scenario's bug-checking thread).
        ulong last = scenario.ProcessObjectAddresses[^1];
        Assert.Equal($"Implicit process is now {Backtick(last)}", Run.Text(target, ".process", session).Trim());
        Assert.Contains($"Implicit process is now {Backtick(scenario.ProcessObjectAddresses[DefaultProcessIndex(scenario)])}", Run.Text(target, ".process 0", session));
        // An object of another type is refused by its object header; an address with no process there too.
        Assert.Contains("its object header names type 'Type'", Run.Text(target, $".process {scenario.Objects.TypeObjects[KernelObjectWriter.TypeIndex("Process")]:x}", session));
        Assert.Contains("is not a readable process", Run.Text(target, ".process 1", session));
        // System has no user half: the private page is not there.
        Run.Text(target, $".process {scenario.ProcessObjectAddresses[0]:x}", session);
        string none = Run.Text(target, $"db {marker:x} L10", session);
        Assert.Empty(DbBytes(none));
        Assert.Contains("not mapped", none);
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void SessionListsZeroAndOneAndSwitchesIntoOne(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = Open(build, format);
        using var _ = target;
        var ids = scenario.Processes.Where(p => p.SessionId != null).Select(p => p.SessionId!.Value).Distinct().Order().ToList();
        string list = Run.Text(target, "!session", session);
        Assert.Contains($"Sessions on machine: {ids.Count}", list);
        Assert.Contains($"Valid Sessions: {string.Join(" ", ids)}", list);
        // The current session is the default process's (the running thread's).
        string defaultSession = scenario.Processes[DefaultProcessIndex(scenario)].SessionId?.ToString(CultureInfo.InvariantCulture) ?? "none";
        Assert.Contains($"Current Session {defaultSession}", list);

        int explorer = scenario.Processes.FindIndex(p => p.ImageName == "explorer.exe");
        uint explorerSession = scenario.Processes[explorer].SessionId!.Value;
        // -s: the first process the synthesizer linked into that session's ProcessList becomes the implicit process.
        int first = scenario.Processes.FindIndex(p => p.SessionId == explorerSession);
        string switched = Run.Text(target, $"!session -s {explorerSession}", session);
        Assert.Contains($"Using session {explorerSession}", switched);
        Assert.Contains($"Implicit process is now {Backtick(scenario.ProcessObjectAddresses[first])}", switched);
        Assert.Contains($"Current Session {explorerSession}", Run.Text(target, "!session", session));
        string du = Run.Text(target, $"du {UserSpaceWriter.MarkerVa + UserSpaceWriter.MarkerUnicodeOffset:x}", session);
        Assert.Equal(scenario.Processes[first].Marker, string.Concat(Regex.Matches(du, "\"([^\"\n]*)\"?").Select(m => m.Groups[1].Value)));

        Assert.Contains("is not valid", Run.Text(target, "!session -s 7", session));
        Run.Text(target, "!session -s 0", session);
        Assert.Contains("Current Session 0", Run.Text(target, "!session", session));
        Run.Text(target, "!session -s -1", session);
        Assert.Contains($"Current Session {defaultSession}", Run.Text(target, "!session", session));
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ProcessZeroZeroPrintsEachProcesssSessionPebAndObjectTable(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = Open(build, format);
        using var _ = target;
        string text = Run.Text(target, "!process 0 0", session);
        var blocks = Regex.Matches(text, @"^PROCESS ([0-9a-f]+)\n\s+SessionId: (\S+)\s+Cid: ([0-9a-f]+)\s+Peb: ([0-9a-f]+)\s+ParentCid: [0-9a-f]+\n\s+DirBase: ([0-9a-f]+)\s+ObjectTable: ([0-9a-f]+)\s+HandleCount: (\S+)\n\s+Image: (.*)$", RegexOptions.Multiline);
        Assert.Equal(scenario.Processes.Count, blocks.Count);
        for (int i = 0; i < blocks.Count; i++)
        {
            var p = scenario.Processes[i];
            var g = blocks[i].Groups;
            Assert.Equal(p.SessionId?.ToString(CultureInfo.InvariantCulture) ?? "none", g[2].Value);
            Assert.Equal(p.Peb, Convert.ToUInt64(g[4].Value, 16));
            Assert.Equal(p.DirectoryTableBase, Convert.ToUInt64(g[5].Value, 16));
            Assert.Equal(ProcessDetailsWriter.ProcessExtras + (ulong)i * 0x1000, Convert.ToUInt64(g[6].Value, 16));
            Assert.Equal($"{p.HandleCount}.", g[7].Value);
            Assert.Equal(p.ImageName, g[8].Value.Trim());
        }
    }
}
