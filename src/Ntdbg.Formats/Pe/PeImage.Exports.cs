using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Pe;

public sealed partial class PeImage
{
    private const int ExportDirectorySize = 40;

    /// <summary>
    /// The export directory, or null when the image exports nothing. Every non-empty slot of the
    /// address table becomes one <see cref="PeExport"/>, named when the name table points at it.
    /// </summary>
    public PeExportDirectory? ReadExports()
    {
        var dir = Directory(PeDataDirectory.Export);
        if (dir.VirtualAddress == 0) return null;
        var d = ReadRva(dir.VirtualAddress, ExportDirectorySize, "export directory");
        uint characteristics = Le.U32(d, 0), timeDateStamp = Le.U32(d, 4);
        ushort major = Le.U16(d, 8), minor = Le.U16(d, 10);
        uint nameRva = Le.U32(d, 12), ordinalBase = Le.U32(d, 16);
        uint functionCount = Le.U32(d, 20), nameCount = Le.U32(d, 24);
        uint functionsRva = Le.U32(d, 28), namesRva = Le.U32(d, 32), ordinalsRva = Le.U32(d, 36);

        int nFunctions = Limits.CheckCount(functionCount, Limits.MaxExports, "export function", Name, dir.VirtualAddress + 20);
        int nNames = Limits.CheckCount(nameCount, Limits.MaxExports, "export name", Name, dir.VirtualAddress + 24);

        string? dllName = nameRva == 0 ? null : ReadAsciiZ(nameRva, Limits.MaxStringChars, "export DLL name");
        var functions = nFunctions == 0 ? ReadOnlySpan<byte>.Empty : ReadRva(functionsRva, nFunctions * 4, "export address table").ToArray();

        // Names point at address-table slots through the ordinal table; several names may share one slot.
        var names = new Dictionary<int, string>();
        if (nNames > 0)
        {
            var namePointers = ReadRva(namesRva, nNames * 4, "export name pointer table").ToArray();
            var ordinals = ReadRva(ordinalsRva, nNames * 2, "export ordinal table").ToArray();
            for (int i = 0; i < nNames; i++)
            {
                int slot = Le.U16(ordinals, i * 2);
                if (slot >= nFunctions)
                    throw Format(ordinalsRva + (uint)(i * 2), $"export name #{i} refers to address-table slot {slot}, past its {nFunctions} entries");
                string name = ReadAsciiZ(Le.U32(namePointers, i * 4), Limits.MaxStringChars, $"export name #{i}");
                names.TryAdd(slot, name);
            }
        }

        var exports = new List<PeExport>();
        for (int i = 0; i < nFunctions; i++)
        {
            uint rva = Le.U32(functions, i * 4);
            if (rva == 0) continue; // an unused ordinal
            names.TryGetValue(i, out var name);
            string? forwarder = null;
            if (rva >= dir.VirtualAddress && rva - dir.VirtualAddress < dir.Size)
                forwarder = ReadAsciiZ(rva, Limits.MaxStringChars, $"forwarder string of export ordinal {ordinalBase + (uint)i}");
            exports.Add(new PeExport(unchecked(ordinalBase + (uint)i), name, rva, forwarder));
        }
        return new PeExportDirectory(dllName, characteristics, timeDateStamp, major, minor, ordinalBase, functionCount, nameCount,
            functionsRva, namesRva, ordinalsRva, exports);
    }
}
