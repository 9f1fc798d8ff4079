using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Symbols.Loading;

/// <summary>
/// Which sections of a module are code, from its header in the dump or, when the dump lacks the
/// header page, from the image file the symbol loader found. Caches each module's table.
/// </summary>
public sealed class ModuleSections(IVirtualMemory memory)
{
    private const uint ImageScnCntCode = 0x20;
    private const uint ImageScnMemExecute = 0x20000000;
    private readonly Dictionary<ulong, IReadOnlyList<PeSectionHeader>?> _sections = [];

    /// <summary>Whether the RVA lies in a code section; null when no header (dump or stored image) is readable.</summary>
    public bool? InCodeSection(ModuleSymbols module, uint rva)
    {
        if (!_sections.TryGetValue(module.Module.Base, out var sections))
            _sections[module.Module.Base] = sections = ReadSections(module);
        if (sections == null) return null;
        foreach (var s in sections)
            if (s.ContainsRva(rva)) return (s.Characteristics & (ImageScnCntCode | ImageScnMemExecute)) != 0;
        return false;
    }

    private IReadOnlyList<PeSectionHeader>? ReadSections(ModuleSymbols module)
    {
        try
        {
            return PeImage.FromMemory(memory, module.Module.Base, module.Name).Sections;
        }
        catch (Exception e) when (e is MemoryFaultException or DumpFormatException)
        {
            // The header page is not in the dump (small minidumps hold no image memory): use the
            // image file the symbol loader found, if any; otherwise code and data cannot be told apart.
        }
        if (module.LastLoad?.ImagePath is not { } imagePath) return null;
        try
        {
            using var file = MappedFile.Open(imagePath);
            return PeImage.FromFile(file).Sections;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DumpFormatException)
        {
            return null;
        }
    }
}
