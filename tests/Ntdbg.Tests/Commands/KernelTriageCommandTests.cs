using System.Text.RegularExpressions;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.KernelDump;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

/// <summary>The foundation commands on the real Windows 10 triage dump, checked against rizin's output.</summary>
public class KernelTriageCommandTests
{
    private const string Dump = "kernel/triage_x64_19041.dmp";
    private const string Rizin = "kernel/rizin_dmp_expected_x64.txt";

    private static string[] Lines(string commands)
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(Dump));
        return Run.Lines(t, commands);
    }

    private static RizinExpected Expected() => RizinExpected.Load(TestData.Shared(Rizin), "Triage Dump Debug x64");

    [SharedDataFact(Dump)]
    public void BugcheckPrintsCodeAndFourParameters()
    {
        var h = Expected().Sections["DUMP_HEADER64"];
        var lines = Lines(".bugcheck");
        Assert.Equal($"Bugcheck code {h["BugCheckCode"]:X8}", lines[0]);
        string Q(ulong v) => $"{v >> 32:x8}`{v & 0xffffffff:x8}";
        Assert.Equal($"Arguments {Q(h["BugCheckParameter1"])} {Q(h["BugCheckParameter2"])} {Q(h["BugCheckParameter3"])} {Q(h["BugCheckParameter4"])}", lines[1]);
    }

    [SharedDataFact(Dump)]
    public void LmListsAll151DriversSortedByBase()
    {
        var lines = Lines("lm");
        var rows = lines.Skip(1).TakeWhile(l => l.Length > 0 && l != "Unloaded modules:").ToList();
        Assert.Equal(151, rows.Count);
        var bases = rows.Select(r => Convert.ToUInt64(r[..17].Replace("`", ""), 16)).ToList();
        Assert.Equal(bases.OrderBy(b => b), bases);
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^fffff804`7ba00000 fffff804`[0-9a-f]{8}   nt\s"));
        // amdppm.sys's symbol-store folder name is <TimeDateStamp><SizeOfImage>: c9c03000 3b000.
        Assert.Contains(rows, r => Regex.IsMatch(r, @"^fffff804`8b580000 fffff804`8b5bb000   amdppm\s"));
        Assert.Contains(rows, r => r.Contains("   Wdf01000 "));
        Assert.Contains("Unloaded modules:", lines);
    }

    [SharedDataFact(Dump)]
    public void RegistersEqualRizins()
    {
        var regs = Expected().Registers;
        string text = string.Join('\n', Lines("r"));
        foreach (var name in new[] { "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rip", "rsp", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" })
            Assert.Matches($@"(^|\s){name}={regs[name]:x16}", text);
        Assert.Contains($"efl={regs["rflags"]:x8}", text);
        // rip = KeBugCheckEx, inside nt; the instruction there follows (the triage dump holds that code page).
        Assert.Matches($@"\nnt\+0x[0-9a-f]+:\n{regs["rip"] >> 32:x8}`{regs["rip"] & 0xffffffff:x8} [0-9a-f]+ +\S+", text);
    }

    [SharedDataFact(Dump)]
    public void VertargetNamesTheBuildAndKernelBase()
    {
        var h = Expected().Sections["DUMP_HEADER64"];
        var lines = Lines("vertarget");
        Assert.Equal($"Windows 10 Kernel Version {h["MinorVersion"]} MP ({h["NumberProcessors"]} procs) Free x64", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Kernel base = 0xfffff804`7ba00000 PsLoadedModuleList = 0x" + $"{h["PsLoadedModuleList"] >> 32:x8}`{h["PsLoadedModuleList"] & 0xffffffff:x8}"));
        Assert.Contains(lines, l => l.StartsWith("Debug session time: "));
    }

    [SharedDataFact(Dump)]
    public void SearchAndForEachModuleWorkOnKernelMemory()
    {
        // The KDBG header copy is mapped at its address: its tag is found by a search over nt's image range.
        var lines = Lines("s -[1]a nt L?1000000 \"KDBG\"; dqs @rsp L1; lm a @rip");
        Assert.Contains(lines, l => Regex.IsMatch(l, "^fffff804`7[0-9a-f]{7}$"));
        Assert.Contains(lines, l => l.StartsWith("ffff8504`29890ee8  fffff804`7be0f4e1 nt+0x"));
        Assert.Contains(lines, l => l.Contains("   nt "));
    }
}
