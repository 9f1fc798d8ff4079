namespace Ntdbg.Symbols.Model;

public enum UdtFieldKind
{
    /// <summary>A data member at an offset (possibly a bitfield).</summary>
    Data,
    /// <summary>A direct base class embedded at an offset; Name is the base class's name.</summary>
    BaseClass,
    /// <summary>The hidden vtable pointer ("__VFN_table").</summary>
    VTablePointer,
    /// <summary>A static data member: it has no offset in the object.</summary>
    Static,
}

/// <summary>
/// One member of a UDT. For bitfields, Type is the underlying integer type and BitLength is
/// nonzero; BitPosition counts from the least significant bit of the unit at Offset.
/// </summary>
public sealed record UdtField(string Name, ulong Offset, DbgType Type, UdtFieldKind FieldKind = UdtFieldKind.Data,
    int BitPosition = 0, int BitLength = 0)
{
    public bool IsBitfield => BitLength > 0;
}
