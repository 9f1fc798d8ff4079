namespace Ntdbg.Symbols.Isf;

/// <summary>Everything an ISF file holds, as parsed; <see cref="IsfSymbolTable"/> indexes it.</summary>
internal sealed record IsfDocument(
    IsfMetadata Metadata,
    Dictionary<string, IsfBaseType> BaseTypes,
    Dictionary<string, IsfUserType> UserTypes,
    Dictionary<string, IsfEnum> Enums,
    Dictionary<string, IsfSymbol> Symbols);
