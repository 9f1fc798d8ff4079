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
/// The synthetic ntoskrnl image: its debug directory names the build's ISF table (GUID, age and
/// PDB name from the table's metadata), and a stack through functions added to it unwinds
/// frame by frame with the image's own .pdata, for every build and both dump formats.
/// </summary>
public sealed class KernelImageTests
{
    private static readonly string[] Chain = ["KiSwapContext", "KiSwapThread", "KeWaitForSingleObject", "NtWaitForSingleObject", "KiSystemServiceCopyEnd"];

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void ImageHeadersNameTheTableAndItsPdataUnwindsAStack(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var layout = IsfLayout.ForBuild(isf, build);
        var scenario = KernelScenario.Basic(layout, build);
        // Frame sizes on both sides of UWOP_ALLOC_SMALL's 128-byte limit.
        uint[] sizes = [0x28, 0x48, 0x88, 0x98, 0x1a8];
        var functions = Chain.Select((name, i) => scenario.Image.AddFunction(name, sizes[i], i > 0 ? Chain[i - 1] : null)).ToList();
        const ulong stackTop = 0xfffffe0000a00000;
        scenario.Tables.EnsureMapped(stackTop - 0x2000, 2);
        // The thread is in KiSwapContext just after its call; each caller's return address sits above the callee's frame.
        ulong rsp = stackTop - 0x1000;
        ulong sp = rsp;
        var childSps = new List<ulong>();
        for (int i = 0; i < functions.Count; i++)
        {
            childSps.Add(sp);
            ulong slot = sp + functions[i].FrameSize;
            ulong next = i + 1 < functions.Count ? functions[i + 1].ReturnAddress : 0;
            scenario.Tables.WriteVirtualUInt64(slot, next);
            sp = slot + 8;
        }
        scenario.BugCheckContext = KernelDumpBuilder.Amd64Context(rip: functions[0].ReturnAddress, rsp: rsp);
        using var target = KernelDumpTarget.Open(MappedFile.FromBytes($"image-{build}.dmp", scenario.Write(format)));
        var session = new DebugSession(target, isf);

        string dh = Run.Text(target, "!dh nt", session);
        Assert.Matches($@"cv\s+{Regex.Escape(scenario.Image.CodeViewRecord().Length.ToString("x"))}\s.*Format: RSDS, guid, {layout.PdbAge:x}, {layout.PdbName}", dh);
        string lmi = Run.Text(target, "!lmi nt", session).Replace("-", "", StringComparison.Ordinal);
        Assert.Contains(layout.PdbGuid, lmi, StringComparison.OrdinalIgnoreCase);

        string k = Run.Text(target, "k", session);
        var frames = Regex.Matches(k, @"^([0-9a-f]{8}`[0-9a-f]{8}) ([0-9a-f]{8}`[0-9a-f]{8})\s+nt!(\w+)\+0x([0-9a-f]+)", RegexOptions.Multiline);
        Assert.True(frames.Count >= functions.Count, k);
        for (int i = 0; i < functions.Count; i++)
        {
            var g = frames[i].Groups;
            Assert.Equal(functions[i].Symbol, g[3].Value);
            Assert.Equal(functions[i].ReturnAddress - functions[i].Address, Convert.ToUInt64(g[4].Value, 16));
            Assert.Equal(childSps[i], Convert.ToUInt64(g[1].Value.Replace("`", "", StringComparison.Ordinal), 16));
        }
    }
}
