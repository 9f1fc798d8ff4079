namespace Ntdbg.Symbols.Model;

/// <summary>
/// The symbols of one module from one file — a PDB, an ISF table or the export table — behind
/// one interface, so commands never ask where a name came from. All addresses are RVAs.
/// Implementations index once at load and answer lookups without allocating.
/// </summary>
public interface ISymbolSource
{
    SymbolSourceKind Kind { get; }

    /// <summary>The file the symbols were read from (PDB, .json.xz, or the image).</summary>
    string FilePath { get; }

    /// <summary>Every symbol, sorted by RVA then name.</summary>
    IReadOnlyList<ModuleSymbol> Symbols { get; }

    /// <summary>Symbols with exactly this name (undecorated or decorated), case-insensitive; several for overloads.</summary>
    IReadOnlyList<ModuleSymbol> FindByName(string name);

    /// <summary>Symbols whose names match a WinDbg wildcard (`*`, `?`, case-insensitive), in RVA order.</summary>
    IEnumerable<ModuleSymbol> Match(string pattern);

    /// <summary>The symbol at or closest before rva (the one `ln` and `k` name), and the distance to it.</summary>
    bool TryFindByRva(uint rva, out ModuleSymbol symbol, out uint displacement);

    /// <summary>The first symbol strictly after rva, for `ln`'s "|" column; null past the last.</summary>
    ModuleSymbol? FindNext(uint rva);

    /// <summary>The module's types; null for export symbols (stripped PDBs keep theirs: Windows' public PDBs carry kernel structures).</summary>
    ITypeSystem? Types { get; }

    /// <summary>A symbol's type (a function signature or a data type), when the file records one.</summary>
    DbgType? TypeOf(ModuleSymbol symbol);

    /// <summary>Unwind descriptions the file carries (x86 FPO/frame data, breakpad STACK WIN/CFI); null when it has none.</summary>
    IUnwindDataSource? UnwindData => null;

    /// <summary>The parameters and locals of the function that contains rva, with their locations; null when the file has none (publics, exports, ISF).</summary>
    FunctionFrame? FrameAt(uint rva) => null;
}
