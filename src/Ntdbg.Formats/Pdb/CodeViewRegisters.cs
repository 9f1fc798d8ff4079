namespace Ntdbg.Formats.Pdb;

/// <summary>
/// CodeView register numbers (CV_HREG_e) for x86 and x64, as S_REGREL32, S_REGISTER and the
/// S_DEFRANGE_* records give them: their names in lower case as the debugger's register set
/// spells them, and the size of the register. x64 reuses the x86 numbers for the legacy
/// registers, so one table serves both.
/// </summary>
public static class CodeViewRegisters
{
    /// <summary>x86's virtual frame ($T0, where the return address is stored); not a hardware register.</summary>
    public const ushort VFrame = 30006;

    private static readonly string[] Legacy =
    [
        "", "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh",
        "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
        "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
        "es", "cs", "ss", "ds", "fs", "gs", "ip", "flags", "eip", "efl",
    ];

    private static readonly string[] X64Gp =
    [
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    ];

    /// <summary>The register's name ("rsp", "ecx", "xmm0", "r8d"), or null for a number this table does not know.</summary>
    public static string? Name(ushort id)
    {
        if (id < Legacy.Length) return id == 0 ? null : Legacy[id];
        if (id is >= 154 and <= 161) return $"xmm{id - 154}";
        if (id is >= 252 and <= 259) return $"xmm{id - 252 + 8}";
        if (id is >= 324 and <= 327) return new[] { "sil", "dil", "bpl", "spl" }[id - 324];
        if (id is >= 328 and <= 343) return X64Gp[id - 328];
        if (id is >= 344 and <= 351) return $"r{id - 344 + 8}b";
        if (id is >= 352 and <= 359) return $"r{id - 352 + 8}w";
        if (id is >= 360 and <= 367) return $"r{id - 360 + 8}d";
        if (id == VFrame) return "vframe";
        return null;
    }

    /// <summary>The register's width in bytes (1, 2, 4, 8, 16); 0 when unknown.</summary>
    public static int Size(ushort id) => id switch
    {
        >= 1 and <= 8 => 1,
        >= 9 and <= 16 => 2,
        >= 17 and <= 24 => 4,
        >= 154 and <= 161 or >= 252 and <= 259 => 16,
        >= 324 and <= 327 or >= 344 and <= 351 => 1,
        >= 328 and <= 343 => 8,
        >= 352 and <= 359 => 2,
        >= 360 and <= 367 => 4,
        _ => 0,
    };

    /// <summary>
    /// The full register whose low bytes hold this one ("cl" → "rcx" on x64, "ecx" on x86), and
    /// where it sits in it (ah/ch/dh/bh at byte 1); the register itself when it is full-width.
    /// </summary>
    public static (string Name, int Shift)? Container(ushort id, bool x64)
    {
        string[] full = x64 ? ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"] : ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
        return id switch
        {
            >= 1 and <= 4 => (full[id - 1], 0),
            >= 5 and <= 8 => (full[id - 5], 8),
            >= 9 and <= 24 => (full[(id - 9) % 8], 0),
            >= 324 and <= 327 => (full[new[] { 6, 7, 5, 4 }[id - 324]], 0),
            >= 344 and <= 367 => ($"r{(id - 344) % 8 + 8}", 0),
            _ => Name(id) is { } n ? (n, 0) : null,
        };
    }

    /// <summary>The register S_FRAMEPROC's encoded base stands for (0 for None): x86 VFRAME/ebp/ebx, x64 rsp/rbp/r13.</summary>
    public static ushort FrameBaseRegister(FrameBase encoded, bool x64) => encoded switch
    {
        FrameBase.StackPointer => x64 ? (ushort)335 : VFrame,
        FrameBase.FramePointer => x64 ? (ushort)334 : (ushort)22,
        FrameBase.BasePointer => x64 ? (ushort)340 : (ushort)20,
        _ => 0,
    };
}
