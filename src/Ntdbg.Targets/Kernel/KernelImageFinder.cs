using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Targets.Kernel;

/// <summary>The kernel image found in memory: its base and the CodeView record that names its PDB.</summary>
public sealed record KernelImage(ulong Base, string PdbName, Guid Guid, uint Age)
{
    public string Key => $"{PdbName} {Guid.ToString("N").ToUpperInvariant()}-{Age}";
}

/// <summary>
/// Recognises ntoskrnl's image in kernel memory by its debug directory: an 'MZ' page whose
/// CodeView record names one of the kernel's PDBs. <see cref="Scan"/> looks for it page by page
/// through the page tables when nothing in the dump says where the kernel is.
/// </summary>
public static class KernelImageFinder
{
    public static readonly IReadOnlyList<string> KernelPdbNames = ["ntkrnlmp.pdb", "ntoskrnl.pdb", "ntkrnlpa.pdb", "ntkrpamp.pdb"];

    /// <summary>x64 kernel images load in the PML4 slot 0x1F0 (FFFFF800`00000000..FFFFF87F`FFFFFFFF), with and without KASLR.</summary>
    public const ulong X64ImageRangeStart = 0xFFFF_F800_0000_0000, X64ImageRangeEnd = 0xFFFF_F880_0000_0000;
    private const int MaxCandidates = 4096;

    /// <summary>The kernel image at <paramref name="baseAddress"/>, or null when no kernel PE with a readable CodeView record is there.</summary>
    public static KernelImage? At(IVirtualMemory memory, ulong baseAddress)
    {
        var mz = new byte[2];
        if (memory.Read(baseAddress, mz, out _) < 2 || mz[0] != (byte)'M' || mz[1] != (byte)'Z') return null;
        try
        {
            var cv = PeImage.FromMemory(memory, baseAddress, "nt").ReadCodeView();
            if (cv == null || cv.Format != "RSDS") return null;
            string name = Path.GetFileName(cv.PdbPath.Replace('\\', '/'));
            return KernelPdbNames.Contains(name, StringComparer.OrdinalIgnoreCase) ? new KernelImage(baseAddress, name.ToLowerInvariant(), cv.Guid, cv.Age) : null;
        }
        catch (Exception e) when (e is DumpFormatException or MemoryFaultException)
        {
            return null;
        }
    }

    /// <summary>
    /// Visits the mapped pages of the x64 kernel image range (then, on x86, the upper 2 GiB) and
    /// returns the first page that starts a kernel image. Bounded: at most
    /// <see cref="MaxCandidates"/> 'MZ' pages are parsed.
    /// </summary>
    public static KernelImage? Scan(PageTableAddressSpace space)
    {
        KernelImage? found = null;
        int candidates = 0;
        bool Visit(ulong address, ReadOnlySpan<byte> data)
        {
            if ((address & 0xfff) != 0 || data.Length < 2 || data[0] != (byte)'M' || data[1] != (byte)'Z') return true;
            if (++candidates > MaxCandidates) return false;
            found = At(space, address);
            return found == null;
        }
        if (space.Mode.VirtualBits == 48) space.VisitChunks(X64ImageRangeStart, X64ImageRangeEnd, Visit);
        else space.VisitChunks(0x8000_0000, 0x1_0000_0000, Visit);
        return found;
    }
}
