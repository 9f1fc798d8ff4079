using Ntdbg.Core.Errors;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Pdb;

namespace Ntdbg.Analyses.Pool;

/// <summary>An image file on disk: sections from their raw data, imports from the import directory, names from a PDB beside it.</summary>
internal sealed class PoolFileImage(PeImage image, string module, string? pdbPath) : PoolScanImage(image, module, PoolTagSource.File, image.OptionalHeader.ImageBase), IDisposable
{
    private PdbSymbolSource? _pdb;
    private PoolFunctionNamer? _namer;

    public override void ReadSection(PeSectionHeader section, SectionRunVisitor visit, List<PoolTagMissingRange> missing)
    {
        uint length = Math.Min(section.VirtualExtent, section.SizeOfRawData);
        if (length < 4) return;
        visit(section.VirtualAddress, Image.ReadRva(section.VirtualAddress, (int)length, $"section {section.Name}"));
    }

    public override Dictionary<uint, string> Imports() => PoolImports.FromDirectory(Image);

    public override PoolFunctionNamer Namer()
    {
        if (_namer != null) return _namer;
        if (pdbPath != null)
        {
            try { _pdb = PdbSymbolSource.Open(pdbPath); }
            catch (DumpFormatException) { _pdb = null; }
        }
        return _namer = new PoolFunctionNamer(Image, _pdb);
    }

    public void Dispose() => _pdb?.Dispose();
}
