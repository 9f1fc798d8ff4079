using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// A Volatility ISF table as a symbol source: its symbols (RVAs; ISF gives no sizes) and its types.
/// </summary>
public sealed class IsfSymbolSource : ISymbolSource
{
    private IsfSymbol[] _byHandle = []; // filled with the index
    // Built on first use: a kernel table has ~35,000 symbols, and commands that only read types
    // (!process 0 0) never look one up, so the debugger does not pay for sorting them at start.
    private readonly Lazy<SymbolIndex> _index;
    private readonly IsfTypeSystem _types;

    public IsfSymbolSource(IsfSymbolTable table)
    {
        Table = table;
        _types = new IsfTypeSystem(table);
        _index = new Lazy<SymbolIndex>(BuildIndex, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private SymbolIndex BuildIndex()
    {
        _byHandle = [.. Table.Symbols];
        var list = new List<ModuleSymbol>(_byHandle.Length);
        for (int i = 0; i < _byHandle.Length; i++)
        {
            var s = _byHandle[i];
            var kind = s.Type?.Kind == IsfTypeKind.Function ? SymbolEntryKind.Function
                : s.Type != null ? SymbolEntryKind.Data : SymbolEntryKind.Public;
            string? decorated = s.LinkageName != null && s.LinkageName != s.Name ? s.LinkageName : null;
            list.Add(new ModuleSymbol(s.Name, s.Rva, 0, kind, decorated, i));
        }
        return new SymbolIndex(list);
    }

    public static IsfSymbolSource Load(string path) => new(IsfSymbolTable.Load(path));

    public IsfSymbolTable Table { get; }
    public SymbolSourceKind Kind => SymbolSourceKind.Isf;
    public string FilePath => Table.Path;
    public IReadOnlyList<ModuleSymbol> Symbols => _index.Value.Symbols;
    public ITypeSystem Types => _types;
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => _index.Value.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => _index.Value.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => _index.Value.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => _index.Value.FindNext(rva);

    public DbgType? TypeOf(ModuleSymbol symbol) =>
        _index.Value != null && symbol.Handle >= 0 && symbol.Handle < _byHandle.Length && _byHandle[symbol.Handle].Type is { } t ? _types.Resolve(t) : null;
}
