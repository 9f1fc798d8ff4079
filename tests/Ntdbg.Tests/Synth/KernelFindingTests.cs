using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Core.IO;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// Finding the kernel on the synthetic dumps of every build: the KDBG the synthesizer stored
/// encoded (builds 9600 and later, as a running Windows 8+ keeps it without a debugger) is decoded with the
/// keys found through nt's symbols, picked by the kernel image's GUID/age; a header whose
/// KdDebuggerDataBlock, PsLoadedModuleList and PsActiveProcessHead are zero or wrong is worked
/// around by scanning kernel space for the image, with one warning.
/// </summary>
public sealed class KernelFindingTests
{
    private static KernelDumpTarget Open(KernelScenario scenario, KernelDumpBuilder.Layout format, string isf, bool withSymbols = true) =>
        KernelDumpTarget.Open(MappedFile.FromBytes($"basic-{scenario.Build}.dmp", scenario.Write(format)),
            withSymbols ? new IsfKernelSymbolProvider(SymbolPath.Parse(isf)) : null);

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void EncodedKdbgIsDecodedWithTheKeysFromNtsSymbols(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.EncodeKdbg = build >= 9600;
        using var target = Open(scenario, format, isf);

        // The block in the dump is really encoded from 9600 on: no tag in the clear.
        var raw = new byte[0x18];
        target.Memory.Read(scenario.KdDebuggerDataBlock, raw, out _);
        Assert.Equal(build >= 9600, BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(0x10)) != KdDebuggerData.KdbgTag);
        Assert.Equal(build >= 9600, scenario.KdbgKeys != null);

        var kdbg = target.Kdbg;
        Assert.NotNull(kdbg);
        Assert.Equal(KernelScenario.KernelBase, kdbg.KernBase);
        Assert.Equal(scenario.PsLoadedModuleList, kdbg.PsLoadedModuleList);
        Assert.Equal(scenario.PsActiveProcessHead, kdbg.PsActiveProcessHead);
        Assert.Contains(build >= 9600 ? "decoded with nt!KiWaitNever and nt!KiWaitAlways" : "'KDBG' block", target.KdbgSource);
        Assert.DoesNotContain(target.Warnings, w => w.Contains("KDBG", StringComparison.Ordinal));
        // NtBuildLab is reached through the decoded block only.
        Assert.Contains($"{(build >= 10240 ? "Edition build lab" : "Built by")}: {BuildLabWriter.Labs[build]}", Run.Text(target, "vertarget", new DebugSession(target, isf)));
    }

    [SharedDataFact("kernel/isf")]
    public void WithoutNtsSymbolsAnEncodedKdbgIsReportedNotGuessed()
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, 19041), 19041);
        scenario.EncodeKdbg = true;
        using var target = Open(scenario, KernelDumpBuilder.Layout.Full, isf, withSymbols: false);
        Assert.Null(target.Kdbg);
        string warning = Assert.Single(target.Warnings, w => w.Contains("KDBG", StringComparison.Ordinal));
        Assert.Contains("encoded", warning);
        Assert.Contains(scenario.Layout.PdbKey, warning, StringComparison.OrdinalIgnoreCase);
        // The header is right, so the drivers are still listed.
        Assert.Equal(scenario.Drivers.Select(d => d.Base), target.Modules.Select(m => m.Base));
    }

    public static TheoryData<int, HeaderDamage> DamageCases()
    {
        var data = new TheoryData<int, HeaderDamage>();
        foreach (int build in IsfLayout.BuildGuidPrefix.Keys)
            foreach (var damage in new[] { HeaderDamage.Zeroed, HeaderDamage.Wrong })
                data.Add(build, damage);
        return data;
    }

    [SharedDataTheory]
    [MemberData(nameof(DamageCases))]
    public void AHeaderThatLiesIsWorkedAroundByScanningForTheKernelImage(int build, HeaderDamage damage)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.HeaderDamage = damage;
        scenario.EncodeKdbg = build >= 9600; // the harder case: the KDBG must be found and decoded through the image's symbols
        using var target = Open(scenario, build % 2 == 0 ? KernelDumpBuilder.Layout.Bitmap : KernelDumpBuilder.Layout.Full, isf);
        Assert.Equal(damage == HeaderDamage.Zeroed ? 0UL : KernelGlobalsWriter.NowhereKernelAddress, target.Header.KdDebuggerDataBlock);

        string warning = Assert.Single(target.Warnings);
        Assert.Contains(damage == HeaderDamage.Zeroed ? "KdDebuggerDataBlock is 0" : "is not in the dump", warning);
        Assert.Contains($"found nt at {KernelScenario.KernelBase >> 32:x8}`{KernelScenario.KernelBase & 0xffffffff:x8}", warning);
        Assert.Contains("by scanning kernel space for its image", warning);
        Assert.Contains(scenario.Layout.PdbKey, warning, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(KernelScenario.KernelBase, target.KernelBase);
        Assert.Equal(scenario.PsLoadedModuleList, target.PsLoadedModuleList);
        Assert.Equal(scenario.PsActiveProcessHead, target.PsActiveProcessHead);
        Assert.Equal(scenario.KdDebuggerDataBlock, target.KdDebuggerDataBlock);
        Assert.Equal(scenario.Drivers.Select(d => d.Base), target.Modules.Select(m => m.Base));
        var session = new DebugSession(target, isf);
        var listed = Regex.Matches(Run.Text(target, "!process 0 0", session), @"^PROCESS ([0-9a-f]+)", RegexOptions.Multiline);
        Assert.Equal(scenario.ProcessObjectAddresses, listed.Select(m => Convert.ToUInt64(m.Groups[1].Value, 16)));
    }

    [SharedDataTheory]
    [MemberData(nameof(KernelScenarioTests.Cases), MemberType = typeof(KernelScenarioTests))]
    public void NtsSymbolsArePickedByTheImagesGuidAndAge(int build, KernelDumpBuilder.Layout format)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.HeaderDamage = HeaderDamage.Zeroed; // no anchors in the header: only the image's RSDS record can name the table
        using var target = Open(scenario, format, isf);
        var session = new DebugSession(target, isf);
        Assert.Equal(scenario.Layout.PdbGuid, target.KernelImage?.Guid.ToString("N"), StringComparer.OrdinalIgnoreCase);
        string lmv = Run.Text(target, "lmv m nt", session);
        Assert.Contains($"ntkrnlmp.pdb ({scenario.Layout.PdbGuid.ToUpperInvariant()}{scenario.Layout.PdbAge:X})", lmv);
        string noisy = Run.Text(target, "!sym noisy; .reload /f nt", session);
        string dt = Run.Text(target, $"dt nt!_EPROCESS {scenario.ProcessObjectAddresses[^1]:x} ImageFileName", session);
        Assert.Contains($"\"{scenario.Processes[^1].ImageName}\"", dt);
        Assert.DoesNotContain("agrees with the dump's", noisy);
    }

    [Fact]
    public void DecoderUndoesTheSynthesizersEncoding()
    {
        var random = new Random(5);
        for (int i = 0; i < 1000; i++)
        {
            ulong plain = (ulong)random.NextInt64(), never = (ulong)random.NextInt64(), always = (ulong)random.NextInt64(), flag = 0xfffff80000000000 | (ulong)random.NextInt64(0, 1L << 40);
            ulong encoded = KdbgEncoding.EncodeQword(plain, never, always, flag);
            Assert.Equal(plain, KdbgDecoder.DecodeQword(encoded, never, always, flag));
            if (plain != 0) Assert.NotEqual(plain, encoded);
        }
    }
}
