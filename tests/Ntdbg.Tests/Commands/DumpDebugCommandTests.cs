using System.Globalization;
using Ntdbg.Targets;
using Ntdbg.Tests.KernelDump;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

public class DumpDebugCommandTests
{
    private static Dictionary<string, ulong> Fields(string[] lines)
    {
        var d = new Dictionary<string, ulong>();
        foreach (var l in lines)
        {
            var p = l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            if (p.Length == 2 && ulong.TryParse(p[1].Trim().Replace("`", ""), NumberStyles.HexNumber, null, out ulong v)) d.TryAdd(p[0], v);
        }
        return d;
    }

    [SharedDataFact("kernel/triage_x64_19041.dmp")]
    public void TriageHeadersEqualRizins()
    {
        var expected = RizinExpected.Load(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"), "Triage Dump Debug x64");
        using var t = TargetLoader.Open(TestData.Shared("kernel/triage_x64_19041.dmp"));
        var lines = Run.Lines(t, ".dumpdebug");
        int triage = Array.IndexOf(lines, "TRIAGE_DUMP64:");
        Assert.True(triage > 0);
        var header = Fields(lines[..triage]);
        var triageFields = Fields(lines[triage..]);
        foreach (var (name, value) in expected.Sections["DUMP_HEADER64"])
            if (value != 0x45474150) Assert.True(header.TryGetValue(name, out var got) && got == value, $"{name}: expected {value:x}, got {(header.TryGetValue(name, out var g) ? g.ToString("x") : "nothing")}");
        foreach (var (name, value) in expected.Sections["TRIAGE_DUMP64"])
            Assert.True(triageFields.TryGetValue(name, out var got) && got == value, $"{name}: expected {value:x}");
    }

    [SharedDataFact("kernel/full_dump_header_only_19045.bin")]
    public void HeaderOnlyFullDumpPrintsFieldsAndSaysReadsAreTruncated()
    {
        using var t = TargetLoader.Open(TestData.Shared("kernel/full_dump_header_only_19045.bin"));
        var lines = Run.Lines(t, ".dumpdebug; db @rip L10");
        var f = Fields(lines);
        Assert.Equal(0x8664UL, f["MachineImageType"]);
        Assert.Equal(1UL, f["DumpType"]);
        Assert.Equal(19045UL, f["MinorVersion"]);
        Assert.Contains(lines, l => l.StartsWith("WARNING: dump file is truncated") && l.Contains("bytes missing"));
        string fault = lines.Single(l => l.StartsWith("Memory unavailable:"));
        Assert.Contains("truncated", fault);
        Assert.Contains("file offset 0x", fault);
    }

    [Fact]
    public void UserDumpListsItsStreams()
    {
        using var t = TargetLoader.Open(TestData.Repo("fixtures/out/crash-x64.dmp"));
        var lines = Run.Lines(t, ".dumpdebug");
        Assert.Contains(lines, l => l.StartsWith("Stream ") && l.Contains("ThreadList"));
        Assert.Contains(lines, l => l.StartsWith("Stream ") && l.Contains("Exception"));
        Assert.Equal(0xa793UL, Fields(lines)["Version"] & 0xffff);
    }
}
