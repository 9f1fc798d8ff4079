using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Isf;
using Ntdbg.Targets;
using Ntdbg.Tests.Support;
using Xunit.Abstractions;

namespace Ntdbg.Tests.Isf;

/// <summary>
/// The 19041 ISF table against the real triage dump: the kernel base from the dump plus the ISF
/// RVA of KeBugCheckEx is the faulting RIP (rizin's frame 0), and the kernel's CodeView record
/// selects that table through <see cref="IsfLocator"/>.
/// </summary>
public sealed class IsfTriageDumpTests(ITestOutputHelper output)
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private const string RizinPath = "kernel/rizin_dmp_expected_x64.txt";
    private const string IsfRoot = "kernel/isf";
    private const string Table19041 = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";

    /// <summary>rizin's "rip = 0x..." and frame-0 symbol in its x64 triage section.</summary>
    private static (ulong Rip, string Frame0) RizinFrame0()
    {
        string text = File.ReadAllText(TestData.Shared(RizinPath));
        int section = text.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        Assert.True(section >= 0);
        var rip = Regex.Match(text[section..], @"rip = 0x([0-9a-f]+)");
        var frame = Regex.Match(text[section..], @"^0\s+0x([0-9a-f]+) sp: \S+\s+\d+\s+\[\?\?\]\s+pdb\.ntkrnlmp\.(\S+)", RegexOptions.Multiline);
        Assert.True(rip.Success && frame.Success);
        Assert.Equal(rip.Groups[1].Value, frame.Groups[1].Value);
        return (ulong.Parse(rip.Groups[1].Value, NumberStyles.HexNumber), frame.Groups[2].Value);
    }

    [SharedDataFact(DumpPath)]
    public void KernelBasePlusIsfRvaOfKeBugCheckExIsTheFaultingRip()
    {
        var (rizinRip, frame0) = RizinFrame0();
        Assert.Equal("KeBugCheckEx", frame0);

        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var kernel = Assert.IsAssignableFrom<IKernelTarget>(target);
        var nt = target.Modules.FirstOrDefault(m => m.Name.Equals("nt", StringComparison.OrdinalIgnoreCase)
            || m.FileName.StartsWith("ntoskrnl", StringComparison.OrdinalIgnoreCase) || m.FileName.StartsWith("ntkrnl", StringComparison.OrdinalIgnoreCase));
        output.WriteLine($"KernelBase 0x{kernel.KernelBase:x}; nt module {nt?.ImagePath} at 0x{nt?.Base:x}");
        Assert.NotEqual(0ul, kernel.KernelBase);
        if (nt != null) Assert.Equal(kernel.KernelBase, nt.Base);

        var table = IsfSymbolTable.Load(TestData.Shared(Path.Combine(IsfRawJson.Folder, Table19041)));
        Assert.True(table.TryGetSymbolRva("KeBugCheckEx", out uint rva));
        Assert.Equal(rizinRip, kernel.KernelBase + rva);

        // The dump's own faulting thread agrees, and the reverse lookup names it with no displacement.
        var context = target.Threads[target.CurrentThreadIndex].Context;
        Assert.NotNull(context);
        Assert.Equal(rizinRip, context.InstructionPointer);
        Assert.True(table.TryFindByRva((uint)(context.InstructionPointer - kernel.KernelBase), out string name, out uint displacement));
        Assert.Equal(0u, displacement);
        Assert.Equal(rva, table.GetSymbol(name)!.Rva);
    }

    [SharedDataFact(DumpPath)]
    public void KernelCodeViewIsAbsentFromTheTriageDump()
    {
        // Why the anchor path below exists: the triage dump keeps the kernel's header page but not
        // the page holding its debug directory, and the module list carries no CodeView either.
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var kernel = (IKernelTarget)target;
        Assert.Null(target.Modules.First(m => m.Base == kernel.KernelBase).CodeView);
        var image = PeImage.FromMemory(target.Memory, kernel.KernelBase, "nt");
        var ex = Assert.Throws<MemoryFaultException>(() => image.ReadCodeView());
        output.WriteLine(ex.Fault.ToString());
    }

    [SharedDataFact(DumpPath)]
    public void DumpHeaderAnchorsSelectThe19041Table()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var kernel = (IKernelTarget)target;
        Assert.Equal(19041u, target.System!.BuildNumber);
        // Addresses the dump header records independently of any symbols, as RVAs from the kernel base.
        var anchors = new Dictionary<string, uint>
        {
            ["PsLoadedModuleList"] = checked((uint)(kernel.PsLoadedModuleList - kernel.KernelBase)),
            ["PsActiveProcessHead"] = checked((uint)(kernel.PsActiveProcessHead - kernel.KernelBase)),
            ["KdDebuggerDataBlock"] = checked((uint)(kernel.KdDebuggerDataBlock - kernel.KernelBase)),
        };
        var match = IsfLocator.FindByAnchors(TestData.Shared(IsfRoot), "ntkrnlmp.pdb", anchors);
        foreach (var r in match.Rejected) output.WriteLine("rejected: " + r);
        Assert.True(match.Found, string.Join("; ", match.Rejected));
        Assert.Equal(Table19041, Path.GetFileName(match.Table!.Path));
        Assert.Equal(6, match.Rejected.Count); // the other six builds

        // And the GUID/age of the table found that way leads back to it through the normal path.
        var m = match.Table.Metadata;
        var byGuid = IsfLocator.Find(TestData.Shared(IsfRoot), "ntkrnlmp.pdb", m.PdbGuid!.Value, m.PdbAge!.Value);
        Assert.Equal(Table19041, Path.GetFileName(byGuid.Table!.Path));
    }
}
