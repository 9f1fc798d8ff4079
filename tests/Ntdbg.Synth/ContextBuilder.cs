namespace Ntdbg.Synth;

/// <summary>
/// Writes Windows CONTEXT records (x86 0x2cc, x64 0x4d0, ARM64 0x390) from register values, with field
/// offsets taken from winnt.h independently of the ntdbg decoder.
/// </summary>
public static class ContextBuilder
{
    private static readonly Dictionary<string, (int Offset, int Size)> X86Fields = new()
    {
        ["dr0"] = (4, 4),
        ["dr1"] = (8, 4),
        ["dr2"] = (12, 4),
        ["dr3"] = (16, 4),
        ["dr6"] = (20, 4),
        ["dr7"] = (24, 4),
        ["gs"] = (140, 4),
        ["fs"] = (144, 4),
        ["es"] = (148, 4),
        ["ds"] = (152, 4),
        ["edi"] = (156, 4),
        ["esi"] = (160, 4),
        ["ebx"] = (164, 4),
        ["edx"] = (168, 4),
        ["ecx"] = (172, 4),
        ["eax"] = (176, 4),
        ["ebp"] = (180, 4),
        ["eip"] = (184, 4),
        ["cs"] = (188, 4),
        ["efl"] = (192, 4),
        ["esp"] = (196, 4),
        ["ss"] = (200, 4),
    };

    private static readonly Dictionary<string, (int Offset, int Size)> X64Fields = BuildX64();
    private static readonly Dictionary<string, (int Offset, int Size)> Arm64Fields = BuildArm64();

    public static byte[] X86(IReadOnlyDictionary<string, ulong> registers) => Write(0x2cc, 0x0001003f, 0, X86Fields, registers);
    public static byte[] X64(IReadOnlyDictionary<string, ulong> registers) => Write(0x4d0, 0x0010001f, 48, X64Fields, registers);
    public static byte[] Arm64(IReadOnlyDictionary<string, ulong> registers) => Write(0x390, 0x00400007, 0, Arm64Fields, registers);

    private static byte[] Write(int size, uint flags, int flagsOffset, Dictionary<string, (int Offset, int Size)> fields,
        IReadOnlyDictionary<string, ulong> registers)
    {
        var b = new byte[size];
        BitConverter.TryWriteBytes(b.AsSpan(flagsOffset), flags);
        foreach (var (name, value) in registers)
        {
            if (!fields.TryGetValue(name, out var f)) throw new ArgumentException($"unknown register {name}");
            if (f.Size == 8) BitConverter.TryWriteBytes(b.AsSpan(f.Offset), value);
            else if (f.Size == 4) BitConverter.TryWriteBytes(b.AsSpan(f.Offset), (uint)value);
            else BitConverter.TryWriteBytes(b.AsSpan(f.Offset), (ushort)value);
        }
        return b;
    }

    private static Dictionary<string, (int, int)> BuildX64()
    {
        // P1Home..P6Home (48), ContextFlags, MxCsr, six 16-bit selectors, EFlags, Dr0-3, Dr6, Dr7, then the GPRs.
        var d = new Dictionary<string, (int, int)>
        {
            ["mxcsr"] = (52, 4),
            ["cs"] = (56, 2),
            ["ds"] = (58, 2),
            ["es"] = (60, 2),
            ["fs"] = (62, 2),
            ["gs"] = (64, 2),
            ["ss"] = (66, 2),
            ["efl"] = (68, 4),
        };
        string[] debug = ["dr0", "dr1", "dr2", "dr3", "dr6", "dr7"];
        for (int i = 0; i < debug.Length; i++) d[debug[i]] = (72 + 8 * i, 8);
        string[] gprs = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"];
        for (int i = 0; i < gprs.Length; i++) d[gprs[i]] = (120 + 8 * i, 8);
        return d;
    }

    private static Dictionary<string, (int, int)> BuildArm64()
    {
        var d = new Dictionary<string, (int, int)> { ["cpsr"] = (4, 4) };
        for (int i = 0; i < 29; i++) d[$"x{i}"] = (8 + 8 * i, 8);
        d["fp"] = (8 + 8 * 29, 8);
        d["lr"] = (8 + 8 * 30, 8);
        d["sp"] = (256, 8);
        d["pc"] = (264, 8);
        d["fpcr"] = (784, 4);
        d["fpsr"] = (788, 4);
        return d;
    }
}
