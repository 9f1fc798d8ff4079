namespace Ntdbg.Symbols.Isf;

/// <summary>
/// The <c>metadata</c> object: schema version, producer and, for Windows tables, the PDB the table
/// was generated from (matched against a module's CodeView GUID and age).
/// </summary>
public sealed record IsfMetadata(
    string Format,
    string? ProducerName,
    string? ProducerVersion,
    string? PdbName,
    Guid? PdbGuid,
    uint? PdbAge,
    uint? MachineType)
{
    /// <summary>True when the table names this PDB GUID and age.</summary>
    public bool Matches(Guid guid, uint age) => PdbGuid == guid && PdbAge == age;
}
