using Ntdbg.Core.IO;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Contexts;

/// <summary>
/// Decodes the CONTEXT records Windows writes into dumps: x86 (CONTEXT_i386, 0x2cc bytes), x64
/// (CONTEXT_AMD64, 0x4d0) and ARM64 (0x390), into registers named as WinDbg names them.
/// </summary>
public static class ContextDecoder
{
    public const int X86Size = 0x2cc;
    public const int X64Size = 0x4d0;
    public const int Arm64Size = 0x390;

    /// <summary>The bytes a context must have for its integer registers (the rest is FP/vector state).</summary>
    public const int X86MinSize = 0xcc;
    public const int X64MinSize = 0x100;
    public const int Arm64MinSize = 0x110;

    // ContextFlags architecture bits.
    public const uint ContextI386 = 0x00010000;
    public const uint ContextAmd64 = 0x00100000;
    public const uint ContextArm64 = 0x00400000;

    /// <summary>The size of a whole CONTEXT record for the machine (what dumps and `.cxr` read).</summary>
    public static int FullSize(Machine machine) => machine switch
    {
        Machine.X86 => X86Size,
        Machine.Arm64 => Arm64Size,
        _ => X64Size,
    };

    public static int MinimumSize(Machine machine) => machine switch
    {
        Machine.X86 => X86MinSize,
        Machine.X64 => X64MinSize,
        Machine.Arm64 => Arm64MinSize,
        _ => int.MaxValue,
    };

    /// <summary>Guesses the machine from a context's size, for dumps without a system info stream.</summary>
    public static Machine GuessMachine(int contextSize) => contextSize switch
    {
        X86Size => Machine.X86,
        X64Size => Machine.X64,
        Arm64Size => Machine.Arm64,
        _ => Machine.Unknown,
    };

    /// <summary>Decodes a context, or returns null with the reason when it is too short or the machine is unknown.</summary>
    public static RegisterContext? Decode(Machine machine, ReadOnlySpan<byte> raw, out string? problem)
    {
        int min = MinimumSize(machine);
        if (min == int.MaxValue)
        {
            problem = $"no register layout for machine {machine}";
            return null;
        }
        if (raw.Length < min)
        {
            problem = $"{machine.DisplayName()} context is {raw.Length} bytes, needs at least 0x{min:x}";
            return null;
        }
        problem = null;
        return machine switch
        {
            Machine.X86 => DecodeX86(raw.ToArray()),
            Machine.X64 => DecodeX64(raw.ToArray()),
            _ => DecodeArm64(raw),
        };
    }

    private static RegisterContext DecodeX86(byte[] s)
    {
        Register R32(string n, int o) => new(n, Le.U32(s, o), 32);
        Register Seg(string n, int o) => new(n, Le.U32(s, o) & 0xffff, 16);
        return new RegisterContext(Machine.X86,
        [
            R32("eax", 0xb0), R32("ebx", 0xa4), R32("ecx", 0xac), R32("edx", 0xa8), R32("esi", 0xa0), R32("edi", 0x9c),
            R32("eip", 0xb8), R32("esp", 0xc4), R32("ebp", 0xb4), R32("efl", 0xc0),
            Seg("cs", 0xbc), Seg("ss", 0xc8), Seg("ds", 0x98), Seg("es", 0x94), Seg("fs", 0x90), Seg("gs", 0x8c),
            R32("dr0", 0x04), R32("dr1", 0x08), R32("dr2", 0x0c), R32("dr3", 0x10), R32("dr6", 0x14), R32("dr7", 0x18),
        ]);
    }

    private static RegisterContext DecodeX64(byte[] s)
    {
        Register R64(string n, int o) => new(n, Le.U64(s, o), 64);
        Register Seg(string n, int o) => new(n, Le.U16(s, o), 16);
        var regs = new List<Register>
        {
            R64("rax", 0x78), R64("rbx", 0x90), R64("rcx", 0x80), R64("rdx", 0x88), R64("rsi", 0xa8), R64("rdi", 0xb0),
            R64("rip", 0xf8), R64("rsp", 0x98), R64("rbp", 0xa0),
        };
        for (int i = 8; i <= 15; i++) regs.Add(R64($"r{i}", 0xb8 + (i - 8) * 8));
        regs.Add(new Register("efl", Le.U32(s, 0x44), 32));
        regs.AddRange([Seg("cs", 0x38), Seg("ss", 0x42), Seg("ds", 0x3a), Seg("es", 0x3c), Seg("fs", 0x3e), Seg("gs", 0x40)]);
        regs.AddRange([R64("dr0", 0x48), R64("dr1", 0x50), R64("dr2", 0x58), R64("dr3", 0x60), R64("dr6", 0x68), R64("dr7", 0x70)]);
        regs.Add(new Register("mxcsr", Le.U32(s, 0x34), 32));
        return new RegisterContext(Machine.X64, regs);
    }

    private static RegisterContext DecodeArm64(ReadOnlySpan<byte> s)
    {
        var regs = new List<Register>(40);
        for (int i = 0; i <= 28; i++) regs.Add(new Register($"x{i}", Le.U64(s, 8 + i * 8), 64));
        regs.Add(new Register("fp", Le.U64(s, 8 + 29 * 8), 64));
        regs.Add(new Register("lr", Le.U64(s, 8 + 30 * 8), 64));
        regs.Add(new Register("sp", Le.U64(s, 0x100), 64));
        regs.Add(new Register("pc", Le.U64(s, 0x108), 64));
        regs.Add(new Register("cpsr", Le.U32(s, 4), 32));
        if (s.Length >= 0x318)
        {
            regs.Add(new Register("fpcr", Le.U32(s, 0x310), 32));
            regs.Add(new Register("fpsr", Le.U32(s, 0x314), 32));
        }
        return new RegisterContext(Machine.Arm64, regs);
    }
}
