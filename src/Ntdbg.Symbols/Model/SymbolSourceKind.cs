namespace Ntdbg.Symbols.Model;

public enum SymbolSourceKind
{
    /// <summary>A PDB with private symbols (module streams, types).</summary>
    PrivatePdb,
    /// <summary>A stripped PDB: publics only, no types.</summary>
    PublicPdb,
    /// <summary>A Volatility ISF table (types and symbol RVAs).</summary>
    Isf,
    /// <summary>The image's export table.</summary>
    Exports,
    /// <summary>A Google Breakpad text symbol file (.sym): FUNC/PUBLIC names and STACK unwind records, no types.</summary>
    Breakpad,
}
