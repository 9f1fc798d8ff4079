namespace Ntdbg.Formats.Pdb;

/// <summary>A DBI module with its symbol stream, read on first use of <see cref="Symbols"/>.</summary>
public sealed class PdbModule
{
    private readonly MsfFile _msf;
    private IReadOnlyList<PdbSymbol>? _symbols;

    internal PdbModule(MsfFile msf, DbiModuleInfo info) { _msf = msf; Info = info; }

    public DbiModuleInfo Info { get; }
    public string Name => Info.ModuleName;

    public IReadOnlyList<PdbSymbol> Symbols => _symbols ??= Info.HasSymbolStream
        ? ModuleSymbolStream.Read(_msf.ReadStream(Info.SymbolStream, $"module {Info.Index} symbols"), Info).Symbols
        : [];
}
