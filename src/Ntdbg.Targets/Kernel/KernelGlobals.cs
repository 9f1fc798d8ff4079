using Ntdbg.Core.Memory;
using Ntdbg.Formats.KernelDump;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// Where a full or bitmap dump's kernel keeps what a debugger starts from — KDBG, kernel base,
/// PsLoadedModuleList, PsActiveProcessHead — checked against memory rather than taken from the
/// header on trust. <see cref="KdbgNote"/> says how the KDBG was obtained (plain, decoded).
/// </summary>
public sealed record KernelGlobals(KdDebuggerData? Kdbg, ulong KdbgAddress, ulong KernelBase, ulong PsLoadedModuleList, ulong PsActiveProcessHead,
    KernelImage? Image, string? KdbgNote);

/// <summary>
/// Finds the kernel's globals: the header's KDBG when it carries the 'KDBG' tag; otherwise the
/// kernel image (from PsLoadedModuleList's first entry, else by scanning kernel space), its
/// symbols by the image's GUID/age, and from them the KDBG — decoded with nt!KiWaitNever and
/// nt!KiWaitAlways when nt!KdpDataBlockEncoded is set — and the lists. When the header was wrong,
/// one warning says what was wrong and how the kernel was found.
/// </summary>
public static class KernelGlobalsResolver
{
    private const int KdbgReadSize = 0x1000;

    public static KernelGlobals Resolve(IVirtualMemory memory, PageTableAddressSpace? space, KernelDumpHeader header, int pointerSize,
        IKernelSymbolProvider? symbols, List<string> warnings)
    {
        ulong headerKdbg = header.KdDebuggerDataBlock;
        var plain = ReadKdbg(memory, headerKdbg, pointerSize, out bool headerKdbgReadable, out var kdbgFault);
        if (plain != null)
        {
            var image = KernelImageFinder.At(memory, plain.KernBase);
            return new KernelGlobals(plain, headerKdbg, plain.KernBase,
                Readable(memory, header.PsLoadedModuleList, pointerSize) ? header.PsLoadedModuleList : plain.PsLoadedModuleList,
                Readable(memory, header.PsActiveProcessHead, pointerSize) ? header.PsActiveProcessHead : plain.PsActiveProcessHead,
                image, "the 'KDBG' block at the header's KdDebuggerDataBlock");
        }

        // What the header got wrong, for the one-line warning.
        var wrong = new List<string>();
        if (headerKdbg == 0) wrong.Add("KdDebuggerDataBlock is 0");
        else if (!headerKdbgReadable) wrong.Add($"the KDBG at KdDebuggerDataBlock {Hex.Pointer(headerKdbg, pointerSize)} is unreadable ({kdbgFault?.Detail ?? "too short"})");
        bool listOk = Readable(memory, header.PsLoadedModuleList, pointerSize);
        bool processesOk = Readable(memory, header.PsActiveProcessHead, pointerSize);
        if (!listOk) wrong.Add(header.PsLoadedModuleList == 0 ? "PsLoadedModuleList is 0" : $"PsLoadedModuleList {Hex.Pointer(header.PsLoadedModuleList, pointerSize)} is not in the dump");
        if (!processesOk) wrong.Add(header.PsActiveProcessHead == 0 ? "PsActiveProcessHead is 0" : $"PsActiveProcessHead {Hex.Pointer(header.PsActiveProcessHead, pointerSize)} is not in the dump");

        string how = "through the first entry of PsLoadedModuleList";
        var kernel = listOk ? FirstModuleImage(memory, header.PsLoadedModuleList, pointerSize) : null;
        if (kernel == null && space != null)
        {
            kernel = KernelImageFinder.Scan(space);
            how = "by scanning kernel space for its image";
        }
        if (kernel == null)
        {
            string headerProblem = wrong.Count > 0 ? $"dump header: {string.Join(", ", wrong)}; " : "";
            string tag = headerKdbgReadable ? $"KDBG at {Hex.Pointer(headerKdbg, pointerSize)} lacks the 'KDBG' tag (it may be encoded) and " : "";
            warnings.Add($"{headerProblem}{tag}no kernel image with a CodeView record was found in kernel space");
            return new KernelGlobals(null, headerKdbg, 0, header.PsLoadedModuleList, header.PsActiveProcessHead, null, null);
        }

        var notes = new List<string>();
        var table = symbols?.Find(kernel.PdbName, kernel.Guid, kernel.Age, notes.Add);
        ulong Symbol(string name) => table != null && table.TryGetRva(name, out uint rva) ? kernel.Base + rva : 0;
        ulong kdbgAddress = headerKdbgReadable && headerKdbg != 0 ? headerKdbg : Symbol("KdDebuggerDataBlock");
        if (Symbol("KdDebuggerDataBlock") is ulong fromSymbols and not 0 && fromSymbols != kdbgAddress)
        {
            if (headerKdbg != 0 && headerKdbgReadable) wrong.Add($"KdDebuggerDataBlock {Hex.Pointer(headerKdbg, pointerSize)} is not nt!KdDebuggerDataBlock");
            kdbgAddress = fromSymbols;
        }
        string? kdbgNote = pointerSize == 8 ? null : "decoding is implemented for x64 kernels only";
        var kdbg = ReadKdbg(memory, kdbgAddress, pointerSize, out _, out _);
        if (kdbg != null) kdbgNote = "the 'KDBG' block at nt!KdDebuggerDataBlock";
        else if (table != null && pointerSize == 8) kdbg = Decode(memory, kdbgAddress, pointerSize, Symbol("KdpDataBlockEncoded"), Symbol("KiWaitNever"), Symbol("KiWaitAlways"), out kdbgNote);

        ulong Pick(bool headerOk, ulong fromHeader, ulong? fromKdbg, string symbol) =>
            headerOk ? fromHeader : fromKdbg is ulong k && k != 0 ? k : Symbol(symbol) is ulong s and not 0 ? s : fromHeader;
        var globals = new KernelGlobals(kdbg, kdbgAddress, kernel.Base,
            Pick(listOk, header.PsLoadedModuleList, kdbg?.PsLoadedModuleList, "PsLoadedModuleList"),
            Pick(processesOk, header.PsActiveProcessHead, kdbg?.PsActiveProcessHead, "PsActiveProcessHead"),
            kernel, kdbg != null ? kdbgNote : null);

        if (wrong.Count > 0)
        {
            string taken = kdbg != null ? "the lists taken from its KDBG"
                : table != null ? $"the lists taken from its symbols ({table.Source})"
                : "no symbols for it in the symbol path, so the KDBG and the lists stay unknown";
            warnings.Add($"dump header: {string.Join(", ", wrong)}; found nt at {Hex.Pointer(kernel.Base, pointerSize)} ({kernel.Key}) {how}; {taken}");
        }
        else if (kdbg == null && table == null)
            warnings.Add($"KDBG at {Hex.Pointer(kdbgAddress, pointerSize)} lacks the 'KDBG' tag (encoded, Windows 8+): the symbol path has no ISF table for {kernel.Key} to decode it with");
        if (kdbg == null && table != null)
            warnings.Add($"KDBG at {Hex.Pointer(kdbgAddress, pointerSize)} lacks the 'KDBG' tag and could not be decoded: {kdbgNote}");
        return globals;
    }

    /// <summary>The block at <paramref name="address"/> when it carries the tag in the clear.</summary>
    private static KdDebuggerData? ReadKdbg(IVirtualMemory memory, ulong address, int pointerSize, out bool readable, out MemoryFault? fault)
    {
        readable = false;
        fault = null;
        if (address == 0) return null;
        var buffer = new byte[KdbgReadSize];
        int got = memory.Read(address, buffer, out fault);
        readable = got >= 0x18;
        return KdDebuggerData.TryParse(buffer.AsSpan(0, got), pointerSize);
    }

    private static KdDebuggerData? Decode(IVirtualMemory memory, ulong address, int pointerSize, ulong flagAddress, ulong waitNeverAddress, ulong waitAlwaysAddress,
        out string? note)
    {
        if (flagAddress == 0 || waitNeverAddress == 0 || waitAlwaysAddress == 0)
        {
            note = "the symbols lack nt!KdpDataBlockEncoded, nt!KiWaitNever or nt!KiWaitAlways";
            return null;
        }
        var flag = new byte[1];
        if (memory.Read(flagAddress, flag, out _) < 1) { note = "nt!KdpDataBlockEncoded is not in the dump"; return null; }
        if (flag[0] == 0) { note = "nt!KdpDataBlockEncoded is 0 (the block is not encoded)"; return null; }
        if (!memory.TryReadPointer(waitNeverAddress, 8, out ulong waitNever, out _) || !memory.TryReadPointer(waitAlwaysAddress, 8, out ulong waitAlways, out _))
        {
            note = "nt!KiWaitNever or nt!KiWaitAlways is not in the dump";
            return null;
        }
        var buffer = new byte[KdbgReadSize];
        int got = memory.Read(address, buffer, out _) & ~7;
        KdbgDecoder.Decode(buffer.AsSpan(0, got), waitNever, waitAlways, flagAddress);
        var kdbg = KdDebuggerData.TryParse(buffer.AsSpan(0, got), pointerSize);
        note = kdbg != null
            ? "the block at nt!KdDebuggerDataBlock, decoded with nt!KiWaitNever and nt!KiWaitAlways (nt!KdpDataBlockEncoded is set)"
            : "decoding with nt!KiWaitNever and nt!KiWaitAlways gave no 'KDBG' tag";
        return kdbg;
    }

    private static bool Readable(IVirtualMemory memory, ulong address, int pointerSize) =>
        address != 0 && memory.TryReadPointer(address, pointerSize, out ulong flink, out _) && flink != 0;

    /// <summary>The kernel image named by the first entry of the loaded-module list (the kernel is always first).</summary>
    private static KernelImage? FirstModuleImage(IVirtualMemory memory, ulong listHead, int pointerSize)
    {
        if (!memory.TryReadPointer(listHead, pointerSize, out ulong first, out _) || first == 0 || first == listHead) return null;
        int dllBase = pointerSize == 8 ? 0x30 : 0x18; // the same in every _KLDR/_LDR_DATA_TABLE_ENTRY layout
        return memory.TryReadPointer(first + (ulong)dllBase, pointerSize, out ulong imageBase, out _) ? KernelImageFinder.At(memory, imageBase) : null;
    }
}
