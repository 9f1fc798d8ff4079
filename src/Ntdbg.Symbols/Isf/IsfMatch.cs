namespace Ntdbg.Symbols.Isf;

/// <summary>
/// What <see cref="IsfLocator.Find"/> found: the table whose metadata names the wanted PDB (null
/// when none did), and one line per candidate it looked at and rejected (for noisy symbol loading).
/// </summary>
public sealed record IsfMatch(IsfSymbolTable? Table, IReadOnlyList<string> Rejected)
{
    public bool Found => Table != null;
}
