using Ntdbg.Core.IO;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Kernel;

/// <summary>Decodes CONTEXT records (AMD64 and x86) into WinDbg-named registers.</summary>
public static class KernelContextReader
{
    public const int Amd64ContextSize = 0x4d0;
    public const int X86ContextSize = 0x2cc;

    public static int SizeFor(Machine machine) => machine == Machine.X86 ? X86ContextSize : Amd64ContextSize;

    public static RegisterContext? Parse(Machine machine, ReadOnlySpan<byte> context) => machine switch
    {
        Machine.X64 when context.Length >= Amd64ContextSize => ParseAmd64(context),
        Machine.X86 when context.Length >= X86ContextSize => ParseX86(context),
        _ => null,
    };

    /// <summary>AMD64 CONTEXT: segments at 0x38, EFlags 0x44, debug registers 0x48, Rax 0x78 ... Rip 0xF8.</summary>
    public static RegisterContext ParseAmd64(ReadOnlySpan<byte> context)
    {
        var c = context[..Amd64ContextSize].ToArray();
        ulong Q(int o) => Le.U64(c, o);
        var regs = new List<Register>
        {
            new("rax", Q(0x78), 64), new("rbx", Q(0x90), 64), new("rcx", Q(0x80), 64), new("rdx", Q(0x88), 64),
            new("rsi", Q(0xa8), 64), new("rdi", Q(0xb0), 64), new("rip", Q(0xf8), 64), new("rsp", Q(0x98), 64),
            new("rbp", Q(0xa0), 64),
        };
        for (int i = 0; i < 8; i++) regs.Add(new($"r{8 + i}", Q(0xb8 + 8 * i), 64));
        regs.Add(new("cs", Le.U16(c, 0x38), 16));
        regs.Add(new("ss", Le.U16(c, 0x42), 16));
        regs.Add(new("ds", Le.U16(c, 0x3a), 16));
        regs.Add(new("es", Le.U16(c, 0x3c), 16));
        regs.Add(new("fs", Le.U16(c, 0x3e), 16));
        regs.Add(new("gs", Le.U16(c, 0x40), 16));
        regs.Add(new("efl", Le.U32(c, 0x44), 32));
        regs.Add(new("dr0", Q(0x48), 64));
        regs.Add(new("dr1", Q(0x50), 64));
        regs.Add(new("dr2", Q(0x58), 64));
        regs.Add(new("dr3", Q(0x60), 64));
        regs.Add(new("dr6", Q(0x68), 64));
        regs.Add(new("dr7", Q(0x70), 64));
        regs.Add(new("mxcsr", Le.U32(c, 0x34), 32));
        return new RegisterContext(Machine.X64, regs);
    }

    /// <summary>x86 CONTEXT: debug registers at 0x04, FLOATING_SAVE_AREA at 0x1C, segments from 0x8C, Eip 0xB8.</summary>
    public static RegisterContext ParseX86(ReadOnlySpan<byte> context)
    {
        var c = context[..X86ContextSize].ToArray();
        uint D(int o) => Le.U32(c, o);
        var regs = new List<Register>
        {
            new("eax", D(0xb0), 32), new("ebx", D(0xa4), 32), new("ecx", D(0xac), 32), new("edx", D(0xa8), 32),
            new("esi", D(0xa0), 32), new("edi", D(0x9c), 32), new("eip", D(0xb8), 32), new("esp", D(0xc4), 32),
            new("ebp", D(0xb4), 32),
            new("cs", D(0xbc) & 0xffff, 16), new("ss", D(0xc8) & 0xffff, 16), new("ds", D(0x98) & 0xffff, 16),
            new("es", D(0x94) & 0xffff, 16), new("fs", D(0x90) & 0xffff, 16), new("gs", D(0x8c) & 0xffff, 16),
            new("efl", D(0xc0), 32),
            new("dr0", D(0x04), 32), new("dr1", D(0x08), 32), new("dr2", D(0x0c), 32), new("dr3", D(0x10), 32),
            new("dr6", D(0x14), 32), new("dr7", D(0x18), 32),
        };
        return new RegisterContext(Machine.X86, regs);
    }
}
