namespace Ntdbg.Symbols.Isf;

/// <summary>
/// A symbol from <c>symbols</c>. For Windows tables <see cref="Rva"/> is relative to the module
/// base. <see cref="LinkageName"/> is the decorated name when the producer kept it; <see cref="Type"/>
/// is present only when the PDB recorded a type for the symbol.
/// </summary>
public sealed record IsfSymbol(string Name, uint Rva, string? LinkageName = null, IsfTypeRef? Type = null);
