namespace Ntdbg.Formats.Pdb;

/// <summary>
/// Simple (built-in) type indices below 0x1000: the low byte is the kind (T_INT4 = 0x74...), bits
/// 8-11 the pointer mode (0 direct, 4 32-bit pointer, 6 64-bit pointer...). Names are spelled as
/// llvm-pdbutil and the debugger print them.
/// </summary>
public static class SimpleTypes
{
    public const uint FirstNonSimple = 0x1000;

    public static bool IsSimple(uint typeIndex) => typeIndex < FirstNonSimple;

    public static int Kind(uint typeIndex) => (int)(typeIndex & 0xff);
    public static int Mode(uint typeIndex) => (int)((typeIndex >> 8) & 0xf);

    public static string KindName(int kind) => kind switch
    {
        0x00 => "<no type>",
        0x03 => "void",
        0x07 => "<not translated>",
        0x08 => "HRESULT",
        0x10 => "signed char",
        0x20 => "unsigned char",
        0x70 => "char",
        0x71 => "wchar_t",
        0x7a => "char16_t",
        0x7b => "char32_t",
        0x7c => "char8_t",
        0x68 => "__int8",
        0x69 => "unsigned __int8",
        0x11 => "short",
        0x21 => "unsigned short",
        0x72 => "__int16",
        0x73 => "unsigned __int16",
        0x12 => "long",
        0x22 => "unsigned long",
        0x74 => "int",
        0x75 => "unsigned",
        0x13 => "__int64",
        0x23 => "unsigned __int64",
        0x76 => "__int64",
        0x77 => "unsigned __int64",
        0x14 => "__int128",
        0x24 => "unsigned __int128",
        0x78 => "__int128",
        0x79 => "unsigned __int128",
        0x46 => "__half",
        0x40 => "float",
        0x45 => "float",
        0x44 => "__float48",
        0x41 => "double",
        0x42 => "long double",
        0x43 => "__float128",
        0x50 => "_Complex float",
        0x51 => "_Complex double",
        0x52 => "_Complex long double",
        0x53 => "_Complex __float128",
        0x30 => "bool",
        0x31 => "__bool16",
        0x32 => "__bool32",
        0x33 => "__bool64",
        _ => $"<simple 0x{kind:x2}>",
    };

    /// <summary>Size in bytes of a value of the kind (0 for void and unknown kinds).</summary>
    public static int KindSize(int kind) => kind switch
    {
        0x10 or 0x20 or 0x70 or 0x68 or 0x69 or 0x30 or 0x7c => 1,
        0x11 or 0x21 or 0x72 or 0x73 or 0x71 or 0x7a or 0x31 or 0x46 => 2,
        0x12 or 0x22 or 0x74 or 0x75 or 0x40 or 0x45 or 0x7b or 0x32 or 0x08 => 4,
        0x44 => 6,
        0x13 or 0x23 or 0x76 or 0x77 or 0x41 or 0x33 or 0x50 => 8,
        0x42 => 10,
        0x14 or 0x24 or 0x78 or 0x79 or 0x43 or 0x51 => 16,
        0x52 => 20,
        0x53 => 32,
        _ => 0,
    };

    /// <summary>Pointer size for a pointer mode (0 for direct values).</summary>
    public static int PointerSize(int mode) => mode switch
    {
        1 => 2,
        2 or 3 or 4 => 4,
        5 => 6,
        6 => 8,
        7 => 16,
        _ => 0,
    };

    public static string Name(uint typeIndex)
    {
        string name = KindName(Kind(typeIndex));
        return Mode(typeIndex) == 0 ? name : name + "*";
    }

    public static int Size(uint typeIndex)
    {
        int mode = Mode(typeIndex);
        return mode == 0 ? KindSize(Kind(typeIndex)) : PointerSize(mode);
    }
}
