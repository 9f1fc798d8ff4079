namespace Ntdbg.Formats.Pdb;

/// <summary>
/// One member of a field list: data member (LF_MEMBER, offset), static member, base class
/// (offset), virtual base (VbPtrOffset, VbTableIndex), enumerator (Value), nested type, method
/// (LF_ONEMETHOD: type, VTableOffset; LF_METHOD: Type = method list, Count = overloads) or vfptr.
/// </summary>
public sealed record FieldMember(
    ushort Leaf,
    string Name,
    uint Type,
    ushort Attributes = 0,
    long Offset = 0,
    long Value = 0,
    uint VbPtrType = 0,
    long VbTableIndex = 0,
    int VTableOffset = -1,
    ushort Count = 0)
{
    public string LeafName => TypeLeaf.Name(Leaf);
    /// <summary>CV_access: 1 private, 2 protected, 3 public.</summary>
    public int Access => Attributes & 3;
    /// <summary>CV_methodprop: 0 vanilla, 1 virtual, 2 static, 3 friend, 4 intro virtual, 5 pure virtual, 6 pure intro.</summary>
    public int MethodProperty => (Attributes >> 2) & 7;
}
