namespace Ntdbg.Symbols.Isf;

/// <summary>
/// A base type from <c>base_types</c>. <see cref="Kind"/> is ISF's own word ("int", "char", "float",
/// "bool", "void"); the table's pointer size is the base type named "pointer".
/// </summary>
public sealed record IsfBaseType(string Name, int Size, bool Signed, string Kind, bool LittleEndian);
