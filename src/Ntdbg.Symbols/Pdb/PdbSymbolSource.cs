using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Demangle;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// A PDB as a symbol source. (Interim: public symbols only, no types; the full source with module
/// symbols and the TPI type system replaces this.)
/// </summary>
public sealed class PdbSymbolSource : ISymbolSource, IDisposable
{
    private readonly MappedFile _file;
    private readonly SymbolIndex _index;

    private PdbSymbolSource(MappedFile file, PdbFile pdb)
    {
        _file = file;
        Pdb = pdb;
        var list = new List<ModuleSymbol>();
        foreach (var p in pdb.Publics)
        {
            if (pdb.SectionRvaOf(p.Section, p.Offset) is not uint rva) continue;
            string name = MsvcDemangler.TryDemangle(p.Name, DemangleStyle.NameOnly, out string plain) ? plain : p.Name;
            list.Add(new ModuleSymbol(name, rva, 0, p.IsFunction ? SymbolEntryKind.Function : SymbolEntryKind.Public, p.Name));
        }
        _index = new SymbolIndex(list);
    }

    public static PdbSymbolSource Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            return new PdbSymbolSource(file, PdbFile.Open(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public PdbFile Pdb { get; }
    public SymbolSourceKind Kind => SymbolSourceKind.PublicPdb;
    public string FilePath => _file.Path;
    public IReadOnlyList<ModuleSymbol> Symbols => _index.Symbols;
    public ITypeSystem? Types => null;
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => _index.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => _index.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => _index.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => _index.FindNext(rva);
    public DbgType? TypeOf(ModuleSymbol symbol) => null;
    public void Dispose() => _file.Dispose();
}
