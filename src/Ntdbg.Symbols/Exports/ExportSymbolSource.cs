using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Exports;

/// <summary>
/// The image's export table as a symbol source — what WinDbg falls back to ("export symbols")
/// when no PDB is found. Forwarders have no code here and are left out; ordinal-only exports
/// are named "Ordinal&lt;n&gt;" as WinDbg names them. No types.
/// </summary>
public sealed class ExportSymbolSource : ISymbolSource
{
    private readonly SymbolIndex _index;

    public ExportSymbolSource(PeExportDirectory exports, string filePath)
    {
        FilePath = filePath;
        var list = new List<ModuleSymbol>(exports.Exports.Count);
        foreach (var e in exports.Exports)
        {
            if (e.IsForwarder || e.Rva == 0) continue;
            list.Add(new ModuleSymbol(e.Name ?? $"Ordinal{e.Ordinal}", e.Rva, 0, SymbolEntryKind.Export));
        }
        _index = new SymbolIndex(list);
    }

    public SymbolSourceKind Kind => SymbolSourceKind.Exports;
    public string FilePath { get; }
    public IReadOnlyList<ModuleSymbol> Symbols => _index.Symbols;
    public ITypeSystem? Types => null;
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => _index.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => _index.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => _index.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => _index.FindNext(rva);
    public DbgType? TypeOf(ModuleSymbol symbol) => null;
}
