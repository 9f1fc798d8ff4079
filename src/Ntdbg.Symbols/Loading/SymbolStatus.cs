namespace Ntdbg.Symbols.Loading;

/// <summary>Where a module's symbols stand, as `lm` shows it.</summary>
public enum SymbolStatus
{
    /// <summary>Not looked for yet; the first use loads them ("(deferred)").</summary>
    Deferred,
    /// <summary>A source is attached (PDB, ISF or exports; see <see cref="ModuleSymbols.Source"/>).</summary>
    Loaded,
    /// <summary>Looked for and nothing found ("(no symbols)"); the log says where it looked.</summary>
    None,
}
