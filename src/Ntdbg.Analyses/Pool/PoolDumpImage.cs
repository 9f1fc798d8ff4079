using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// A module's image as the dump holds it, read through the target's address space at its loaded
/// base: sections by RVA page by page (a page the dump lacks is recorded as missing with the
/// fault's reason, never read as zeros), discardable sections skipped (the loader frees INIT after
/// DriverEntry, so the pages may hold anything since), IAT slots named by the import lookup tables
/// when the dump still has them, else by the address each slot was bound to.
/// </summary>
internal sealed class PoolDumpImage(PeImage image, string module, ulong loadedBase, ulong moduleSize, IVirtualMemory memory,
    Func<ulong, string?> functionAt, Func<ISymbolSource?> symbols) : PoolScanImage(image, module, PoolTagSource.Dump, loadedBase)
{
    private const uint Discardable = 0x0200_0000;
    private const int Page = 0x1000;
    // Real drivers import a few hundred functions; a corrupt IAT size must not drive a long walk.
    private const uint MaxIatSlots = 1 << 14;
    private PoolFunctionNamer? _namer;

    public override void ReadSection(PeSectionHeader section, SectionRunVisitor visit, List<PoolTagMissingRange> missing)
    {
        ulong start = section.VirtualAddress;
        // Never trust the header's extent: the module's size from the loader's list bounds it.
        ulong end = Math.Min(start + section.VirtualExtent, moduleSize);
        if (end <= start) return;
        if ((section.Characteristics & Discardable) != 0)
        {
            missing.Add(new PoolTagMissingRange(Module, section.Name, (uint)start, CodeBase + start, (uint)(end - start),
                "Discarded", "discardable section: the loader frees it after initialization"));
            return;
        }
        var buffer = new byte[(int)(end - start)];
        int runStart = -1;
        for (ulong at = start; at < end;)
        {
            ulong pageEnd = Math.Min((at | (Page - 1)) + 1, end);
            var slice = buffer.AsSpan((int)(at - start), (int)(pageEnd - at));
            int n = memory.Read(CodeBase + at, slice, out var fault);
            if (n == slice.Length)
            {
                if (runStart < 0) runStart = (int)(at - start);
            }
            else
            {
                // Bytes before the hole in this page still belong to the run.
                int runEnd = (int)(at - start) + n;
                if (runStart < 0 && n > 0) runStart = (int)(at - start);
                Flush(ref runStart, runEnd);
                ulong holeAt = at + (ulong)n;
                AddMissing(missing, section.Name, (uint)holeAt, (uint)(pageEnd - holeAt), fault?.Kind.ToString() ?? nameof(MemoryFaultKind.NotInDump),
                    fault?.ToString() ?? "not in the dump");
            }
            at = pageEnd;
        }
        Flush(ref runStart, buffer.Length);

        void Flush(ref int from, int to)
        {
            if (from >= 0 && to - from >= 4) visit((uint)(start + (ulong)from), buffer.AsSpan(from, to - from));
            from = -1;
        }
    }

    /// <summary>Adjacent missing pages with the same kind of fault become one range.</summary>
    private void AddMissing(List<PoolTagMissingRange> missing, string section, uint rva, uint length, string kind, string reason)
    {
        if (missing.Count > 0 && missing[^1] is var last && last.Module == Module && last.Section == section && last.Rva + last.Length == rva
            && last.Kind == kind)
        {
            missing[^1] = last with { Length = last.Length + length };
            return;
        }
        missing.Add(new PoolTagMissingRange(Module, section, rva, CodeBase + rva, length, kind, reason));
    }

    public override Dictionary<uint, string> Imports()
    {
        var map = PoolImports.TryFromDirectory(Image, out _);
        AddBoundSlots(map);
        return map;
    }

    /// <summary>
    /// The IAT directory's slots hold the addresses the loader bound them to; a slot the lookup
    /// tables did not name is named by the function at that address (nt!ExAllocatePoolWithTag).
    /// </summary>
    private void AddBoundSlots(Dictionary<uint, string> map)
    {
        var iat = Image.Directory(PeDataDirectory.Iat);
        if (iat.VirtualAddress == 0 || iat.Size == 0 || iat.VirtualAddress >= moduleSize) return;
        int pointer = Image.PointerSize;
        uint size = (uint)Math.Min(iat.Size, moduleSize - iat.VirtualAddress);
        uint slots = Math.Min(size / (uint)pointer, MaxIatSlots);
        for (uint i = 0; i < slots; i++)
        {
            uint slot = iat.VirtualAddress + i * (uint)pointer;
            if (map.ContainsKey(slot)) continue;
            if (!memory.TryReadPointer(CodeBase + slot, pointer, out ulong target, out _) || target == 0) continue;
            if (functionAt(target) is string name) map[slot] = name;
        }
    }

    public override PoolFunctionNamer Namer() => _namer ??= new PoolFunctionNamer(Image, symbols());
}
