using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Contexts;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Analyze;

/// <summary>
/// Reads the records a bug check parameter points at: an EXCEPTION_RECORD (fixed layout), a
/// CONTEXT (<see cref="ContextDecoder"/>) and a KTRAP_FRAME (its layout from the kernel's
/// symbols, since it changes between builds). Each read reports why it failed instead of
/// returning zeros.
/// </summary>
public static class KernelRecords
{
    public static ExceptionInfo? ReadExceptionRecord(IVirtualMemory memory, ulong at, int pointerSize, out string? problem)
    {
        problem = null;
        var b = new byte[pointerSize == 8 ? 0x98 : 0x50];
        int n = memory.Read(at, b, out var fault);
        int headerSize = pointerSize == 8 ? 0x20 : 0x14;
        if (n < headerSize)
        {
            problem = $"exception record at {Hex.Pointer(at, pointerSize)} unreadable: {fault?.Detail ?? "missing"}";
            return null;
        }
        uint code = BitConverter.ToUInt32(b, 0), flags = BitConverter.ToUInt32(b, 4);
        ulong address = pointerSize == 8 ? BitConverter.ToUInt64(b, 0x10) : BitConverter.ToUInt32(b, 0xc);
        uint count = Math.Min(BitConverter.ToUInt32(b, pointerSize == 8 ? 0x18 : 0x10), 15);
        var parameters = new List<ulong>();
        for (int i = 0; i < count && headerSize + (i + 1) * pointerSize <= n; i++)
            parameters.Add(pointerSize == 8 ? BitConverter.ToUInt64(b, headerSize + 8 * i) : BitConverter.ToUInt32(b, headerSize + 4 * i));
        return new ExceptionInfo(0, code, flags, at, address, parameters, null);
    }

    public static RegisterContext? ReadContext(IVirtualMemory memory, ulong at, Machine machine, out string? problem)
    {
        var b = new byte[ContextDecoder.FullSize(machine)];
        int n = memory.Read(at, b, out var fault);
        if (n < ContextDecoder.MinimumSize(machine))
        {
            problem = $"context record at {Hex.Pointer(at, machine == Machine.X86 ? 4 : 8)} unreadable: {fault?.Detail ?? "missing"}";
            return null;
        }
        return ContextDecoder.Decode(machine, b.AsSpan(0, n), out problem);
    }

    /// <summary>
    /// A KTRAP_FRAME as registers: the ones the frame saves (on x64 the volatile registers, RBP,
    /// RIP, RSP and flags; the other non-volatile registers are not in it and stay unknown).
    /// </summary>
    public static RegisterContext? ReadTrapFrame(IVirtualMemory memory, SymbolManager symbols, ulong at, Machine machine, out string? problem)
    {
        problem = null;
        if (symbols.FindType("nt!_KTRAP_FRAME") is not { Type: UdtType frame })
        {
            problem = "nt!_KTRAP_FRAME is not in the kernel's symbols";
            return null;
        }
        (string Field, string Register)[] map = machine == Machine.X64
            ? [("Rax", "rax"), ("Rcx", "rcx"), ("Rdx", "rdx"), ("Rbx", "rbx"), ("Rsp", "rsp"), ("Rbp", "rbp"), ("Rsi", "rsi"), ("Rdi", "rdi"),
               ("R8", "r8"), ("R9", "r9"), ("R10", "r10"), ("R11", "r11"), ("Rip", "rip"), ("EFlags", "efl"), ("SegCs", "cs"), ("SegSs", "ss")]
            : [("Eax", "eax"), ("Ebx", "ebx"), ("Ecx", "ecx"), ("Edx", "edx"), ("Esi", "esi"), ("Edi", "edi"), ("Ebp", "ebp"), ("Eip", "eip"),
               ("HardwareEsp", "esp"), ("EFlags", "efl"), ("SegCs", "cs"), ("HardwareSegSs", "ss")];
        var registers = new List<Register>();
        foreach (var (field, register) in map)
        {
            if (frame.GetField(field) is not { } f) continue;
            int size = (int)Math.Min(f.Type.Size, 8);
            if (size == 0) continue;
            var b = new byte[8];
            if (memory.Read(at + f.Offset, b.AsSpan(0, size), out var fault) < size)
            {
                problem = $"trap frame field {field} at {Hex.Pointer(at + f.Offset, 8)} unreadable: {fault?.Detail ?? "missing"}";
                return null;
            }
            registers.Add(new Register(register, BitConverter.ToUInt64(b), size * 8));
        }
        if (!registers.Any(r => r.Name is "rip" or "eip"))
        {
            problem = "nt!_KTRAP_FRAME has no instruction pointer field";
            return null;
        }
        return new RegisterContext(machine, registers);
    }
}
