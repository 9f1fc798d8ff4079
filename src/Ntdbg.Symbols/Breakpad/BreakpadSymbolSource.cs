using Ntdbg.Formats.Breakpad;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;

namespace Ntdbg.Symbols.Breakpad;

/// <summary>
/// A breakpad symbol file as a symbol source: FUNC records as functions (with sizes), PUBLIC
/// records as publics, and the STACK WIN/CFI records as unwind data. dump_syms writes names
/// already undecorated; a PUBLIC it could not undecorate ('?'-names) is shown undecorated here
/// with the linker name kept. No types. Records beyond 4 GiB (not a Windows module) are left out.
/// </summary>
public sealed class BreakpadSymbolSource : ISymbolSource
{
    private readonly SymbolIndex _index;

    public BreakpadSymbolSource(BreakpadSymbolFile file)
    {
        File = file;
        var list = new List<ModuleSymbol>(file.Functions.Count + file.Publics.Count);
        for (int i = 0; i < file.Functions.Count; i++)
        {
            var f = file.Functions[i];
            if (f.Address > uint.MaxValue) continue;
            // Handle: the FUNC's index in File.Functions, for its line records.
            list.Add(Symbol(f.Name, (uint)f.Address, (uint)Math.Min(f.Size, uint.MaxValue), SymbolEntryKind.Function, i));
        }
        foreach (var p in file.Publics)
            if (p.Address <= uint.MaxValue) list.Add(Symbol(p.Name, (uint)p.Address, 0, SymbolEntryKind.Public, -1));
        _index = new SymbolIndex(list);
        UnwindData = file.HasUnwindData ? new BreakpadUnwindData(file) : null;
    }

    public static BreakpadSymbolSource Load(string path) => new(BreakpadSymbolFile.Load(path));

    public BreakpadSymbolFile File { get; }
    public SymbolSourceKind Kind => SymbolSourceKind.Breakpad;
    public string FilePath => File.Path;
    public IReadOnlyList<ModuleSymbol> Symbols => _index.Symbols;
    public ITypeSystem? Types => null;
    public IUnwindDataSource? UnwindData { get; }
    public IReadOnlyList<ModuleSymbol> FindByName(string name) => _index.FindByName(name);
    public IEnumerable<ModuleSymbol> Match(string pattern) => _index.Match(pattern);
    public bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement) => _index.TryFindByRva(rva, out symbol, out displacement);
    public ModuleSymbol? FindNext(uint rva) => _index.FindNext(rva);
    public DbgType? TypeOf(ModuleSymbol symbol) => null;

    private static ModuleSymbol Symbol(string name, uint rva, uint size, SymbolEntryKind kind, int handle)
    {
        if (name.StartsWith('?'))
        {
            string plain = PdbSymbolNames.Undecorate(name, isX86: false);
            if (plain != name) return new ModuleSymbol(plain, rva, size, kind, name, handle);
        }
        return new ModuleSymbol(name, rva, size, kind, null, handle);
    }
}
