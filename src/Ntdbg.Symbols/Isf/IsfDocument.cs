namespace Ntdbg.Symbols.Isf;

/// <summary>
/// Everything an ISF file holds, as parsed; <see cref="IsfSymbolTable"/> indexes it. The symbols
/// may arrive lazily: a table read back from the cache decodes its ~35,000 symbols only when one
/// is first asked for (many commands need only types).
/// </summary>
internal sealed record IsfDocument(
    IsfMetadata Metadata,
    Dictionary<string, IsfBaseType> BaseTypes,
    Dictionary<string, IsfUserType> UserTypes,
    Dictionary<string, IsfEnum> Enums,
    Lazy<Dictionary<string, IsfSymbol>> LazySymbols)
{
    public IsfDocument(IsfMetadata metadata, Dictionary<string, IsfBaseType> baseTypes, Dictionary<string, IsfUserType> userTypes,
        Dictionary<string, IsfEnum> enums, Dictionary<string, IsfSymbol> symbols)
        : this(metadata, baseTypes, userTypes, enums, new Lazy<Dictionary<string, IsfSymbol>>(symbols))
    {
    }

    public Dictionary<string, IsfSymbol> Symbols => LazySymbols.Value;
}
