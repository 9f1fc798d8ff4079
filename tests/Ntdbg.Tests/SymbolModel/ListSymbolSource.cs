using Ntdbg.Symbols.Model;

namespace Ntdbg.Tests.SymbolModel;

/// <summary>A symbol source over a hand-made list, for exercising the manager and the index.</summary>
internal sealed class ListSymbolSource(IEnumerable<ModuleSymbol> symbols, ITypeSystem? types = null) : ISymbolSource
{
    private readonly SymbolIndex _index = new(symbols);

    public int LoadCount { get; set; }
    public SymbolSourceKind Kind => SymbolSourceKind.PrivatePdb;
    public string FilePath => "list.pdb";
    public IReadOnlyList<ModuleSymbol> Symbols => _index.Symbols;
    public ITypeSystem? Types => types;
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => _index.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => _index.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => _index.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => _index.FindNext(rva);
    public DbgType? TypeOf(ModuleSymbol symbol) => null;
}
