namespace Ntdbg.Symbols.Isf;

/// <summary>A member of a struct, union or class: byte offset from the start of the type and its type.</summary>
public sealed record IsfField(string Name, long Offset, IsfTypeRef Type, bool Anonymous = false)
{
    public bool IsBitfield => Type.Kind == IsfTypeKind.Bitfield;
}
