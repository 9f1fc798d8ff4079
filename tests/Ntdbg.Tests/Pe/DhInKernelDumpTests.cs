using Ntdbg.Formats.Pe;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>
/// The kernel image inside the real triage dump, read in its mapped layout: its headers must agree
/// with what the loader recorded in the module list, and the pages the triage dump lacks are
/// reported as holes.
/// </summary>
public class DhInKernelDumpTests
{
    private const string Triage = "kernel/triage_x64_19041.dmp";

    [SharedDataFact(Triage)]
    public void KernelHeadersAgreeWithTheLoadedModuleList()
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(Triage));
        var nt = t.Modules.First(m => m.Base == t.KernelBase);
        var image = PeImage.FromMemory(t.Memory, nt.Base);
        Assert.Equal(PeLayout.Mapped, image.Layout);
        Assert.Equal(PeFileHeader.MachineAmd64, image.FileHeader.Machine);
        // The loader's record (KLDR_DATA_TABLE_ENTRY) and the image's own headers are independent copies.
        Assert.Equal(nt.Size, image.OptionalHeader.SizeOfImage);
        Assert.Equal(nt.TimeDateStamp, image.FileHeader.TimeDateStamp);
        Assert.Equal(nt.CheckSum, image.OptionalHeader.CheckSum);
        Assert.Contains(image.Sections, s => s.Name == ".text");
        Assert.Contains(image.Sections, s => s.Name == "PAGE");

        // The debug directory's page is not in a triage dump: a fault, not a made-up record.
        var e = Assert.Throws<Ntdbg.Core.Memory.MemoryFaultException>(() => image.ReadDebugDirectory());
        Assert.Equal(nt.Base + image.Directory(PeDataDirectory.Debug).VirtualAddress, e.Fault.Address);
    }

    [SharedDataFact(Triage)]
    public void DhOnNtPrintsHeadersAndSaysWhatIsMissing()
    {
        using var t = KernelDumpTarget.Open(TestData.Shared(Triage));
        var text = Run.Text(t, "!dh nt");
        var dh = DhOutput.Parse(text);
        Assert.Equal("8664", dh.Headers["machine"]);
        Assert.Equal(t.KernelBase, DhOutput.Hex(dh.Headers["image base"]));
        Assert.True(dh.Sections.Count > 10);
        Assert.Contains("Can't read debug dir: memory at ", text);
        // Another driver's header page is not in the dump: one line naming the address.
        var acpi = t.Modules.First(m => m.Name.Equals("ACPI", StringComparison.OrdinalIgnoreCase));
        var lines = Run.Lines(t, "!dh ACPI");
        Assert.Single(lines);
        var m = System.Text.RegularExpressions.Regex.Match(lines[0], @"^memory at ([0-9a-f]{8})`([0-9a-f]{8}) is unavailable in ");
        Assert.True(m.Success, lines[0]);
        ulong at = Convert.ToUInt64(m.Groups[1].Value + m.Groups[2].Value, 16);
        Assert.InRange(at, acpi.Base, acpi.Base + 0xfff); // the header page (the triage dump keeps at most its first bytes)
    }
}
