namespace Ntdbg.Formats.Pdb;

/// <summary>CodeView symbol record kinds (SYM_ENUM_e) the reader decodes.</summary>
public static class SymbolKind
{
    public const ushort S_END = 0x0006;
    public const ushort S_FRAMEPROC = 0x1012;
    public const ushort S_BLOCK32 = 0x1103;
    public const ushort S_REGISTER = 0x1106;
    public const ushort S_BPREL32 = 0x110B;
    public const ushort S_REGREL32 = 0x1111;
    public const ushort S_LOCAL = 0x113E;
    public const ushort S_DEFRANGE_REGISTER = 0x1141;
    public const ushort S_DEFRANGE_FRAMEPOINTER_REL = 0x1142;
    public const ushort S_DEFRANGE_SUBFIELD_REGISTER = 0x1143;
    public const ushort S_DEFRANGE_FRAMEPOINTER_REL_FULL_SCOPE = 0x1144;
    public const ushort S_DEFRANGE_REGISTER_REL = 0x1145;
    public const ushort S_LABEL32 = 0x1105;
    public const ushort S_CONSTANT = 0x1107;
    public const ushort S_UDT = 0x1108;
    public const ushort S_LDATA32 = 0x110C;
    public const ushort S_GDATA32 = 0x110D;
    public const ushort S_PUB32 = 0x110E;
    public const ushort S_LPROC32 = 0x110F;
    public const ushort S_GPROC32 = 0x1110;
    public const ushort S_LTHREAD32 = 0x1112;
    public const ushort S_GTHREAD32 = 0x1113;
    public const ushort S_PROCREF = 0x1125;
    public const ushort S_DATAREF = 0x1126;
    public const ushort S_LPROCREF = 0x1127;
    public const ushort S_ANNOTATIONREF = 0x1128;
    public const ushort S_TOKENREF = 0x1129;
    public const ushort S_LPROC32_ID = 0x1146;
    public const ushort S_GPROC32_ID = 0x1147;
    public const ushort S_LPROC32_DPC = 0x1155;
    public const ushort S_LPROC32_DPC_ID = 0x1156;

    public static string Name(ushort kind) => kind switch
    {
        S_END => "S_END",
        S_FRAMEPROC => "S_FRAMEPROC",
        S_BLOCK32 => "S_BLOCK32",
        S_REGISTER => "S_REGISTER",
        S_BPREL32 => "S_BPREL32",
        S_REGREL32 => "S_REGREL32",
        S_LOCAL => "S_LOCAL",
        S_DEFRANGE_REGISTER => "S_DEFRANGE_REGISTER",
        S_DEFRANGE_FRAMEPOINTER_REL => "S_DEFRANGE_FRAMEPOINTER_REL",
        S_DEFRANGE_SUBFIELD_REGISTER => "S_DEFRANGE_SUBFIELD_REGISTER",
        S_DEFRANGE_FRAMEPOINTER_REL_FULL_SCOPE => "S_DEFRANGE_FRAMEPOINTER_REL_FULL_SCOPE",
        S_DEFRANGE_REGISTER_REL => "S_DEFRANGE_REGISTER_REL",
        S_LABEL32 => "S_LABEL32",
        S_CONSTANT => "S_CONSTANT",
        S_UDT => "S_UDT",
        S_LDATA32 => "S_LDATA32",
        S_GDATA32 => "S_GDATA32",
        S_PUB32 => "S_PUB32",
        S_LPROC32 => "S_LPROC32",
        S_GPROC32 => "S_GPROC32",
        S_LTHREAD32 => "S_LTHREAD32",
        S_GTHREAD32 => "S_GTHREAD32",
        S_PROCREF => "S_PROCREF",
        S_DATAREF => "S_DATAREF",
        S_LPROCREF => "S_LPROCREF",
        S_ANNOTATIONREF => "S_ANNOTATIONREF",
        S_TOKENREF => "S_TOKENREF",
        S_LPROC32_ID => "S_LPROC32_ID",
        S_GPROC32_ID => "S_GPROC32_ID",
        S_LPROC32_DPC => "S_LPROC32_DPC",
        S_LPROC32_DPC_ID => "S_LPROC32_DPC_ID",
        _ => $"0x{kind:X4}",
    };

    public static bool IsDefRange(ushort kind) => kind is >= S_DEFRANGE_REGISTER and <= S_DEFRANGE_REGISTER_REL;

    public static bool IsProcedure(ushort kind) =>
        kind is S_GPROC32 or S_LPROC32 or S_GPROC32_ID or S_LPROC32_ID or S_LPROC32_DPC or S_LPROC32_DPC_ID;
}
