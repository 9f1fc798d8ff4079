using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Disassembly;

/// <summary>
/// Issue 4's acceptance, its .pdata part: on the triage dump, `.cxr` on the bugcheck's context
/// (parameter 4) then `kn` gives rizin's frames 8–23 exactly (instruction pointer and stack
/// pointer), with amdppm's and Wdf01000's .pdata coming from the images in the shared symbol
/// store (the dump holds neither) and amdppm's names from its PDB.
/// </summary>
public sealed class KernelStackTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private static readonly Regex RizinFrame = new(@"^(\d+)\s+0x([0-9a-f]+) sp: 0x([0-9a-f]+)\s+\d+\s+\[\?\?\]\s+(\S+)", RegexOptions.Multiline);
    private static readonly Regex OurFrame = new(@"^([0-9a-f]{2}) ([0-9a-f]{8}`[0-9a-f]{8}) [0-9a-f]{8}`[0-9a-f]{8}\s+(\S+)", RegexOptions.Multiline);

    [SharedDataFact(DumpPath)]
    public void CxrOnTheBugcheckContextThenKReproducesRizinsFrames8To23()
    {
        string rizin = File.ReadAllText(TestData.Shared("kernel/rizin_dmp_expected_x64.txt"));
        int section = rizin.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        var expected = RizinFrame.Matches(rizin[section..]).Select(m => (N: int.Parse(m.Groups[1].Value), Ip: ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber), Sp: ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber), Name: m.Groups[4].Value))
            .TakeWhile(f => f.N < 24).Where(f => f.N >= 8).ToList();
        Assert.Equal(16, expected.Count);

        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var kernel = (IKernelTarget)target;
        var session = new DebugSession(target, $"{TestData.Shared("kernel/isf")};{TestData.Shared("kernel/symstore")}");
        string k = Run.Text(target, $".cxr {kernel.Bugcheck.Parameters[3]:x}; kn 40", session);
        var ours = OurFrame.Matches(k).Select(m => (Sp: ulong.Parse(m.Groups[2].Value.Replace("`", ""), NumberStyles.HexNumber), Site: m.Groups[3].Value)).ToList();
        var ips = Regex.Matches(k, @"^[0-9a-f]{2} [0-9a-f]{8}`[0-9a-f]{8} ([0-9a-f]{8}`[0-9a-f]{8})", RegexOptions.Multiline)
            .Select(m => ulong.Parse(m.Groups[1].Value.Replace("`", ""), NumberStyles.HexNumber)).ToList();
        Assert.True(ours.Count >= 16, k);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(expected[i].Sp, ours[i].Sp);
            // Frame i's instruction pointer: the context's rip for frame 0, then the return address of the frame before.
            ulong ip = i == 0 ? session.CurrentContext!.InstructionPointer : ips[i - 1];
            Assert.Equal(expected[i].Ip, ip);
            if (expected[i].Name.StartsWith("pdb.amdppm.", StringComparison.Ordinal))
                Assert.StartsWith("amdppm!" + expected[i].Name["pdb.amdppm.".Length..].Split('+')[0] + "+0x", ours[i].Site);
        }
        // nt's image is not available: past IofCallDriver the frames come from scanning, validated by
        // the ISF symbols and the executable sections of nt's header. All of rizin's frames 24-35
        // are among them (ip and sp), each marked; extra scanned frames may appear between them.
        var all = RizinFrame.Matches(rizin[section..]).Select(m => (N: int.Parse(m.Groups[1].Value), Ip: ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber), Sp: ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber)))
            .TakeWhile(f => f.N <= 35).Where(f => f.N >= 24).ToList();
        Assert.Equal(12, all.Count);
        var pairs = ours.Select((f, i) => (Ip: i == 0 ? session.CurrentContext!.InstructionPointer : ips[i - 1], f.Sp, f.Site)).ToList();
        var lines = k.Split('\n');
        foreach (var (n, ip, sp) in all)
        {
            int at = pairs.FindIndex(p => p.Ip == ip && p.Sp == sp);
            Assert.True(at >= 0, $"rizin's frame {n} ({ip:x} at {sp:x}) is missing:\n{k}");
            if (n > 24) Assert.Contains(lines, l => l.StartsWith($"{at:x2} ") && l.Contains("(found by stack scan)"));
        }
        Assert.Contains("no unwind data for", k);
    }
}
