using Ntdbg.Symbols.Model;

namespace Ntdbg.Tests.SymbolCommands;

/// <summary>A symbol source assembled in a test: symbols with (optionally) a type each, behind the shared index.</summary>
internal sealed class FakeSymbolSource : ISymbolSource
{
    private readonly SymbolIndex _index;
    private readonly Dictionary<int, DbgType> _types = [];

    public FakeSymbolSource(SymbolSourceKind kind, params (ModuleSymbol Symbol, DbgType? Type)[] symbols)
    {
        Kind = kind;
        var list = new List<ModuleSymbol>();
        for (int i = 0; i < symbols.Length; i++)
        {
            list.Add(symbols[i].Symbol with { Handle = i });
            if (symbols[i].Type != null) _types[i] = symbols[i].Type!;
        }
        _index = new SymbolIndex(list);
    }

    public SymbolSourceKind Kind { get; }
    public string FilePath => "fake.pdb";
    public IReadOnlyList<ModuleSymbol> Symbols => _index.Symbols;
    public ITypeSystem? Types => null;
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => _index.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => _index.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => _index.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => _index.FindNext(rva);
    public DbgType? TypeOf(ModuleSymbol symbol) => _types.GetValueOrDefault(symbol.Handle);
}
