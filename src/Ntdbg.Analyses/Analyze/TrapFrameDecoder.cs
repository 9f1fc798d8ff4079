using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Analyze;

/// <summary>
/// A _KTRAP_FRAME in memory as a register context, read by the field names and offsets of the
/// kernel's own type (ISF or PDB), so every build's layout is taken from its symbols rather than
/// assumed. Registers the frame does not hold are left out of the context (unknown), not zeroed.
/// Shared by `.trap` and `!analyze` (a bug check whose parameter is a trap frame).
/// </summary>
public static class TrapFrameDecoder
{
    private const ulong MaxTypeSize = 0x1000;

    // x64: what trap entry saves. rbx/rsi/rdi and r12-r15 are non-volatile and not saved on
    // trap entry (the Rbx/Rdi/Rsi slots are filled only on system-service entry), so unknown.
    private static readonly (string Register, string Field, int Bits)[] X64 =
    [
        ("rax", "Rax", 64), ("rcx", "Rcx", 64), ("rdx", "Rdx", 64), ("rsp", "Rsp", 64), ("rbp", "Rbp", 64),
        ("r8", "R8", 64), ("r9", "R9", 64), ("r10", "R10", 64), ("r11", "R11", 64), ("rip", "Rip", 64),
        ("efl", "EFlags", 32), ("cs", "SegCs", 16), ("ss", "SegSs", 16), ("ds", "SegDs", 16), ("es", "SegEs", 16),
        ("fs", "SegFs", 16), ("gs", "SegGs", 16),
        ("dr0", "Dr0", 64), ("dr1", "Dr1", 64), ("dr2", "Dr2", 64), ("dr3", "Dr3", 64), ("dr6", "Dr6", 64), ("dr7", "Dr7", 64),
        ("mxcsr", "MxCsr", 32),
    ];

    // x86: every integer register is saved; esp and ss depend on the mode the trap came from.
    private static readonly (string Register, string Field, int Bits)[] X86 =
    [
        ("eax", "Eax", 32), ("ebx", "Ebx", 32), ("ecx", "Ecx", 32), ("edx", "Edx", 32), ("esi", "Esi", 32), ("edi", "Edi", 32),
        ("eip", "Eip", 32), ("ebp", "Ebp", 32), ("efl", "EFlags", 32),
        ("cs", "SegCs", 16), ("ds", "SegDs", 16), ("es", "SegEs", 16), ("fs", "SegFs", 16), ("gs", "SegGs", 16),
        ("dr0", "Dr0", 32), ("dr1", "Dr1", 32), ("dr2", "Dr2", 32), ("dr3", "Dr3", 32), ("dr6", "Dr6", 32), ("dr7", "Dr7", 32),
    ];

    public const string X64Note = "NOTE: The trap frame does not contain all registers: rbx, rsi, rdi and r12-r15 are not saved on trap entry and are unknown ('?')";

    /// <summary>
    /// The registers the trap frame at <paramref name="at"/> holds, and a note naming those it
    /// cannot; null with the problem when the frame is unreadable or the layout unusable.
    /// </summary>
    public static (RegisterContext Context, string? Note)? Decode(IVirtualMemory memory, Machine machine, UdtType type, ulong at, out string? problem)
    {
        problem = null;
        if (machine is not (Machine.X64 or Machine.X86))
        {
            problem = $"no trap frame layout for {machine.DisplayName()}";
            return null;
        }
        if (type.Size == 0 || type.Size > MaxTypeSize)
        {
            problem = $"{type.Name} has an implausible size (0x{type.Size:x})";
            return null;
        }
        var bytes = new byte[type.Size];
        int n = memory.Read(at, bytes, out var fault);
        if (n < bytes.Length)
        {
            problem = $"cannot read the trap frame at {Hex.Pointer(at + (ulong)n, machine == Machine.X86 ? 4 : 8)}: {fault?.Detail ?? "unreadable"}";
            return null;
        }

        ulong? Field(string name)
        {
            if (type.GetField(name) is not { IsBitfield: false } f || f.Type.Size is not (1 or 2 or 4 or 8) || f.Offset + f.Type.Size > (ulong)bytes.Length)
                return null;
            ulong v = 0;
            for (int i = (int)f.Type.Size - 1; i >= 0; i--) v = (v << 8) | bytes[(int)f.Offset + i];
            return v;
        }

        var regs = new List<Register>();
        foreach (var (reg, field, bits) in machine == Machine.X64 ? X64 : X86)
            if (Field(field) is ulong v) regs.Add(new Register(reg, bits == 16 ? v & 0xffff : v, bits));
        if (machine == Machine.X86) AddX86StackPointer(regs, Field, at, type);

        var ctx = new RegisterContext(machine, regs);
        if (!ctx.TryGet(ctx.InstructionPointerName, out _) || !ctx.TryGet(ctx.StackPointerName, out _))
        {
            problem = $"{type.Name} has no instruction or stack pointer field this decoder knows";
            return null;
        }
        return (ctx, machine == Machine.X64 ? X64Note : null);
    }

    // An x86 trap from user or v86 mode pushed esp and ss (HardwareEsp/HardwareSegSs); from kernel
    // mode nothing was pushed, so the interrupted esp is where HardwareEsp would start, unless the
    // frame was edited (SegCs's selector bits cleared), when TempSegCs/TempEsp hold cs and esp.
    private static void AddX86StackPointer(List<Register> regs, Func<string, ulong?> field, ulong at, UdtType type)
    {
        ulong cs = field("SegCs") ?? 0, efl = field("EFlags") ?? 0;
        bool fromUser = (cs & 1) != 0 || (efl & 0x20000) != 0;
        if (fromUser)
        {
            if (field("HardwareEsp") is ulong esp) regs.Add(new Register("esp", esp, 32));
            if (field("HardwareSegSs") is ulong ss) regs.Add(new Register("ss", ss & 0xffff, 16));
            return;
        }
        if ((cs & 0xfff8) == 0 && field("TempEsp") is ulong tempEsp)
        {
            regs.Add(new Register("esp", tempEsp, 32));
            if (field("TempSegCs") is ulong tempCs)
            {
                int i = regs.FindIndex(r => r.Name == "cs");
                if (i >= 0) regs[i] = regs[i] with { Value = tempCs & 0xffff };
            }
            return;
        }
        if (type.GetField("HardwareEsp") is { } hw) regs.Add(new Register("esp", (at + hw.Offset) & 0xffffffff, 32));
    }
}
