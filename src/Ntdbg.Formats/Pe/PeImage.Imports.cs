using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Pe;

public sealed partial class PeImage
{
    private const int ImportDescriptorSize = 20;

    /// <summary>
    /// The import directory: descriptors until the all-zero terminator, each with the functions
    /// named by its lookup table (or by the IAT when a linker left OriginalFirstThunk 0).
    /// </summary>
    public IReadOnlyList<PeImportedModule> ReadImports()
    {
        var dir = Directory(PeDataDirectory.Import);
        var result = new List<PeImportedModule>();
        if (dir.VirtualAddress == 0) return result;

        for (int i = 0; ; i++)
        {
            if (i >= Limits.MaxImportDescriptors)
                throw Format(dir.VirtualAddress, $"import descriptor count exceeds the limit of {Limits.MaxImportDescriptors} (no terminating entry)");
            uint at = dir.VirtualAddress + (uint)(i * ImportDescriptorSize);
            var d = ReadRva(at, ImportDescriptorSize, $"import descriptor #{i}");
            uint originalFirstThunk = Le.U32(d, 0), timeDateStamp = Le.U32(d, 4), forwarderChain = Le.U32(d, 8);
            uint nameRva = Le.U32(d, 12), firstThunk = Le.U32(d, 16);
            if (originalFirstThunk == 0 && nameRva == 0 && firstThunk == 0) break;
            if (nameRva == 0 && firstThunk == 0) break; // the loader stops here too

            string dll = ReadAsciiZ(nameRva, Limits.MaxStringChars, $"name of import descriptor #{i}");
            // Without a lookup table the names are only in the IAT, and a mapped image's IAT holds
            // the bound addresses instead: the names are then unknown, not misread.
            uint lookup = originalFirstThunk != 0 ? originalFirstThunk : Layout == PeLayout.File ? firstThunk : 0;
            var functions = ReadThunks(lookup, firstThunk, dll);
            result.Add(new PeImportedModule(dll, originalFirstThunk, timeDateStamp, forwarderChain, nameRva, firstThunk, functions));
        }
        return result;
    }

    private List<PeImportedFunction> ReadThunks(uint lookupRva, uint iatRva, string dll)
    {
        var functions = new List<PeImportedFunction>();
        if (lookupRva == 0) return functions;
        int ptr = PointerSize;
        ulong ordinalFlag = ptr == 8 ? 1UL << 63 : 1UL << 31;
        for (int k = 0; ; k++)
        {
            if (k >= Limits.MaxImportsPerDll)
                throw Format(lookupRva, $"import thunk count for {dll} exceeds the limit of {Limits.MaxImportsPerDll} (no terminating entry)");
            uint at = lookupRva + (uint)(k * ptr);
            var t = ReadRva(at, ptr, $"import thunk #{k} of {dll}");
            ulong value = ptr == 8 ? Le.U64(t, 0) : Le.U32(t, 0);
            if (value == 0) break;
            uint slot = iatRva + (uint)(k * ptr);
            if ((value & ordinalFlag) != 0)
            {
                functions.Add(new PeImportedFunction(null, 0, (ushort)(value & 0xffff), slot, value));
                continue;
            }
            uint hintName = (uint)(value & 0x7fffffff);
            ushort hint = Le.U16(ReadRva(hintName, 2, $"hint of import #{k} of {dll}"), 0);
            string name = ReadAsciiZ(hintName + 2, Limits.MaxStringChars, $"name of import #{k} of {dll}");
            functions.Add(new PeImportedFunction(name, hint, null, slot, value));
        }
        return functions;
    }
}
