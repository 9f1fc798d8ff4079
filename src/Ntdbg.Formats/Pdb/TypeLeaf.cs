namespace Ntdbg.Formats.Pdb;

/// <summary>CodeView type record leaf kinds (LEAF_ENUM_e) the reader decodes.</summary>
public static class TypeLeaf
{
    public const ushort LF_MODIFIER = 0x1001;
    public const ushort LF_POINTER = 0x1002;
    public const ushort LF_PROCEDURE = 0x1008;
    public const ushort LF_MFUNCTION = 0x1009;
    public const ushort LF_VTSHAPE = 0x000a;
    public const ushort LF_ARGLIST = 0x1201;
    public const ushort LF_FIELDLIST = 0x1203;
    public const ushort LF_BITFIELD = 0x1205;
    public const ushort LF_METHODLIST = 0x1206;
    public const ushort LF_BCLASS = 0x1400;
    public const ushort LF_VBCLASS = 0x1401;
    public const ushort LF_IVBCLASS = 0x1402;
    public const ushort LF_INDEX = 0x1404;
    public const ushort LF_VFUNCTAB = 0x1409;
    public const ushort LF_ENUMERATE = 0x1502;
    public const ushort LF_ARRAY = 0x1503;
    public const ushort LF_CLASS = 0x1504;
    public const ushort LF_STRUCTURE = 0x1505;
    public const ushort LF_UNION = 0x1506;
    public const ushort LF_ENUM = 0x1507;
    public const ushort LF_MEMBER = 0x150d;
    public const ushort LF_STMEMBER = 0x150e;
    public const ushort LF_METHOD = 0x150f;
    public const ushort LF_NESTTYPE = 0x1510;
    public const ushort LF_ONEMETHOD = 0x1511;
    public const ushort LF_INTERFACE = 0x1519;
    public const ushort LF_FUNC_ID = 0x1601;
    public const ushort LF_MFUNC_ID = 0x1602;
    public const ushort LF_BUILDINFO = 0x1603;
    public const ushort LF_SUBSTR_LIST = 0x1604;
    public const ushort LF_STRING_ID = 0x1605;
    public const ushort LF_UDT_SRC_LINE = 0x1606;
    public const ushort LF_UDT_MOD_SRC_LINE = 0x1607;

    public static string Name(ushort leaf) => leaf switch
    {
        LF_MODIFIER => "LF_MODIFIER",
        LF_POINTER => "LF_POINTER",
        LF_PROCEDURE => "LF_PROCEDURE",
        LF_MFUNCTION => "LF_MFUNCTION",
        LF_VTSHAPE => "LF_VTSHAPE",
        LF_ARGLIST => "LF_ARGLIST",
        LF_FIELDLIST => "LF_FIELDLIST",
        LF_BITFIELD => "LF_BITFIELD",
        LF_METHODLIST => "LF_METHODLIST",
        LF_BCLASS => "LF_BCLASS",
        LF_VBCLASS => "LF_VBCLASS",
        LF_IVBCLASS => "LF_IVBCLASS",
        LF_INDEX => "LF_INDEX",
        LF_VFUNCTAB => "LF_VFUNCTAB",
        LF_ENUMERATE => "LF_ENUMERATE",
        LF_ARRAY => "LF_ARRAY",
        LF_CLASS => "LF_CLASS",
        LF_STRUCTURE => "LF_STRUCTURE",
        LF_UNION => "LF_UNION",
        LF_ENUM => "LF_ENUM",
        LF_MEMBER => "LF_MEMBER",
        LF_STMEMBER => "LF_STMEMBER",
        LF_METHOD => "LF_METHOD",
        LF_NESTTYPE => "LF_NESTTYPE",
        LF_ONEMETHOD => "LF_ONEMETHOD",
        LF_INTERFACE => "LF_INTERFACE",
        LF_FUNC_ID => "LF_FUNC_ID",
        LF_MFUNC_ID => "LF_MFUNC_ID",
        LF_BUILDINFO => "LF_BUILDINFO",
        LF_SUBSTR_LIST => "LF_SUBSTR_LIST",
        LF_STRING_ID => "LF_STRING_ID",
        LF_UDT_SRC_LINE => "LF_UDT_SRC_LINE",
        LF_UDT_MOD_SRC_LINE => "LF_UDT_MOD_SRC_LINE",
        _ => $"0x{leaf:X4}",
    };
}
