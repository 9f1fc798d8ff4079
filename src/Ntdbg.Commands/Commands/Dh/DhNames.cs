namespace Ntdbg.Commands.Commands.Dh;

/// <summary>The names `!dh` gives to machines, subsystems, directories and flag bits.</summary>
public static class DhNames
{
    public static readonly string[] DirectoryNames =
    [
        "Export", "Import", "Resource", "Exception", "Security", "Base Relocation", "Debug", "Description",
        "Special", "Thread Storage", "Load Configuration", "Bound Import", "Import Address Table",
        "Delay Import", "COR20 Header", "Reserved",
    ];

    public static string Machine(ushort machine) => machine switch
    {
        0x14c => "i386",
        0x8664 => "X64",
        0xaa64 => "ARM64",
        0x1c0 => "ARM",
        0x1c4 => "ARMNT",
        0x200 => "IA64",
        0xa641 => "ARM64EC",
        _ => "Unknown",
    };

    public static string Subsystem(ushort subsystem) => subsystem switch
    {
        1 => "Native",
        2 => "Windows GUI",
        3 => "Windows CUI",
        5 => "OS/2 CUI",
        7 => "Posix CUI",
        8 => "Native Win9x driver",
        9 => "Windows CE GUI",
        10 => "EFI Application",
        11 => "EFI Boot Service Driver",
        12 => "EFI Runtime Driver",
        13 => "EFI ROM",
        14 => "Xbox",
        16 => "Windows Boot Application",
        _ => "Unknown",
    };

    /// <summary>File header characteristics, low bit first; BYTES_REVERSED_HI (0x8000) prints nothing.</summary>
    public static IReadOnlyList<string> FileCharacteristics(ushort c)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 16; bit++)
        {
            if ((c & (1 << bit)) == 0) continue;
            string name = (1 << bit) switch
            {
                0x0001 => "Relocations stripped",
                0x0002 => "Executable",
                0x0004 => "Line numbers stripped",
                0x0008 => "Symbols stripped",
                0x0010 => "Aggressively trim working set",
                0x0020 => "App can handle >2gb addresses",
                0x0080 => "Bytes reversed",
                0x0100 => "32 bit word machine",
                0x0200 => "Debug information stripped",
                0x0400 => "Removable run from swap",
                0x0800 => "Net run from swap",
                0x1000 => "System",
                0x2000 => "DLL",
                0x4000 => "Uniprocessor only",
                0x8000 => "",
                _ => "RESERVED - UNKNOWN",
            };
            if (name.Length > 0) names.Add(name);
        }
        return names;
    }

    /// <summary>Optional header DllCharacteristics, low bit first.</summary>
    public static IReadOnlyList<string> DllCharacteristics(ushort c)
    {
        var names = new List<string>();
        for (int bit = 0; bit < 16; bit++)
        {
            if ((c & (1 << bit)) == 0) continue;
            names.Add((1 << bit) switch
            {
                0x0020 => "High entropy VA supported",
                0x0040 => "Dynamic base",
                0x0080 => "Force integrity check",
                0x0100 => "NX compatible",
                0x0200 => "No isolation",
                0x0400 => "No structured exception handler",
                0x0800 => "No bind",
                0x1000 => "AppContainer",
                0x2000 => "WDM driver",
                0x4000 => "Guard",
                0x8000 => "Terminal server aware",
                _ => "RESERVED - UNKNOWN",
            });
        }
        return names;
    }

    private const uint AlignMask = 0x00F00000;

    /// <summary>
    /// Section flags as WinDbg lists them: content and attribute bits low bit first, then the
    /// alignment, then the access summary built from the execute/read/write bits.
    /// </summary>
    public static IReadOnlyList<string> SectionFlags(uint c)
    {
        var names = new List<string>();
        uint rest = c & ~AlignMask;
        int access = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            uint flag = 1u << bit;
            if ((rest & flag) == 0) continue;
            string name = flag switch
            {
                0x00000008 => "No Pad",
                0x00000020 => "Code",
                0x00000040 => "Initialized Data",
                0x00000080 => "Uninitialized Data",
                0x00000100 => "Other",
                0x00000200 => "Info",
                0x00000800 => "Remove",
                0x00001000 => "Communal",
                0x00004000 => "No speculative exceptions",
                0x00008000 => "GP relative",
                0x00020000 => "Purgeable or 16-Bit",
                0x00040000 => "Locked",
                0x00080000 => "Preload",
                0x01000000 => "Extended relocations",
                0x02000000 => "Discardable",
                0x04000000 => "Not Cached",
                0x08000000 => "Not Paged",
                0x10000000 => "Shared",
                0x20000000 => "",
                0x40000000 => "",
                0x80000000 => "",
                _ => "RESERVED - UNKNOWN",
            };
            if (flag == 0x20000000) access |= 1;
            if (flag == 0x40000000) access |= 2;
            if (flag == 0x80000000) access |= 4;
            if (name.Length > 0) names.Add(name);
        }
        uint align = (c & AlignMask) >> 20;
        names.Add(align is >= 1 and <= 14 ? $"{1 << (int)(align - 1)} byte align" : "(no align specified)");
        if (access != 0)
        {
            names.Add(access switch
            {
                1 => "Execute Only",
                2 => "Read Only",
                3 => "Execute Read",
                4 => "Write Only",
                5 => "Execute Write",
                6 => "Read Write",
                _ => "Execute Read Write",
            });
        }
        return names;
    }

    /// <summary>The short type tag of a debug directory row; null for types printed as "(    13)".</summary>
    public static string? DebugType(uint type) => type switch
    {
        1 => "coff",
        2 => "cv",
        3 => "fpo",
        4 => "misc",
        5 => "pdata",
        6 => "fixup",
        7 => "-> src",
        8 => "src ->",
        _ => null,
    };
}
