using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// The object and pool headers before each _EPROCESS and _ETHREAD, for every build × full/bitmap,
/// read with `dt`: the _POOL_HEADER's tag is 'Proc' ('Thre'), and the _OBJECT_HEADER's TypeIndex — decoded as
/// Windows 10 does (XOR nt!ObHeaderCookie and the header address' second byte; stored plain
/// before) — selects the nt!ObTypeIndexTable entry whose _OBJECT_TYPE is named "Process" ("Thread").
/// </summary>
public sealed class KernelObjectTests
{
    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void EachProcessHasAProcessObjectHeaderAndAProcPoolHeader(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = ProcessMemoryTests.Open(build, format);
        using var _ = target;
        foreach (ulong eprocess in scenario.ProcessObjectAddresses)
            AssertObject(scenario, target, session, eprocess, "Process", "Proc");
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void EachThreadHasAThreadObjectHeaderAndAThrePoolHeader(int build, KernelDumpBuilder.Layout format)
    {
        var (scenario, target, session) = ProcessMemoryTests.Open(build, format);
        using var _ = target;
        var threads = scenario.Processes.SelectMany(p => p.Threads).ToList();
        Assert.NotEmpty(threads);
        foreach (var t in threads)
            AssertObject(scenario, target, session, t.Address, "Thread", "Thre");
    }

    private static void AssertObject(KernelScenario scenario, KernelDumpTarget target, DebugSession session, ulong body, string typeName, string tag)
    {
        ulong header = body - scenario.Layout.OffsetOf("_OBJECT_HEADER", "Body");
        bool encoded = scenario.Build >= 10240;
        byte cookie = 0;
        if (encoded)
        {
            byte[] c = ProcessMemoryTests.DbBytes(Run.Text(target, "db nt!ObHeaderCookie L1", session));
            Assert.Single(c);
            cookie = c[0];
        }
        string dt = Run.Text(target, $"dt nt!_OBJECT_HEADER {header:x} TypeIndex", session);
        byte stored = byte.Parse(Regex.Match(dt, @"TypeIndex\s+: 0x([0-9a-f]+)").Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        int index = encoded ? stored ^ cookie ^ (byte)(header >> 8) : stored;
        string entry = Run.Text(target, $"dq nt!ObTypeIndexTable+0x{index * 8:x} L1", session);
        ulong type = Convert.ToUInt64(Regex.Match(entry, @"  ([0-9a-f]{8})`([0-9a-f]{8})").Groups is var g ? g[1].Value + g[2].Value : "", 16);
        // The name's characters, through the UNICODE_STRING's Buffer (dt does not print the string's text).
        ulong name = type + scenario.Layout.OffsetOf("_OBJECT_TYPE", "Name");
        Assert.Contains($"\"{typeName}\"", Run.Text(target, $"du poi({name + 8:x})", session));
        string pool = Run.Text(target, $"dt nt!_POOL_HEADER {header - 0x10:x} PoolTag", session);
        Assert.Contains($"0x{BitConverter.ToUInt32(System.Text.Encoding.ASCII.GetBytes(tag)):x}", pool);
    }
}
