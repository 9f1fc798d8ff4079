using Iced.Intel;
using Ntdbg.Core.Memory;

namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// Recognises an x64 epilog at the instruction pointer and emulates it, as RtlVirtualUnwind
/// does: the unwind codes describe the prolog, so a context stopped after the epilog began
/// undoing it would be unwound twice. The forms the x64 ABI allows: an optional `add rsp, imm`
/// or `lea rsp, [frame+disp]`, then `pop` of non-volatile registers, then `ret` or a `jmp` that
/// leaves the function (a tail call).
/// </summary>
internal static class X64Epilog
{
    private const int MaxEpilogBytes = 64;

    public static bool TryEmulate(IVirtualMemory memory, ulong rip, ulong functionStart, ulong functionEnd, ulong[] regs, out ulong returnAddress)
    {
        returnAddress = 0;
        var code = new byte[MaxEpilogBytes];
        int n = memory.Read(rip, code, out _);
        if (n == 0) return false;
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code, 0, n), rip);
        var work = (ulong[])regs.Clone();
        bool first = true;
        while (decoder.IP < rip + (ulong)n)
        {
            decoder.Decode(out var ins);
            if (ins.IsInvalid) return false;
            if (first && ins.Mnemonic == Mnemonic.Add && ins.Op0Register == Register.RSP && ins.Op1Kind is OpKind.Immediate8to64 or OpKind.Immediate32to64)
                work[4] += ins.Immediate64;
            else if (first && ins.Mnemonic == Mnemonic.Lea && ins.Op0Register == Register.RSP && ins.MemoryIndex == Register.None && GeneralIndex(ins.MemoryBase) is int b)
                work[4] = work[b] + ins.MemoryDisplacement64;
            else if (ins.Mnemonic == Mnemonic.Pop && GeneralIndex(ins.Op0Register) is int r)
            {
                if (!memory.TryReadUInt64(work[4], out work[r], out _)) return false;
                work[4] += 8;
            }
            else if (ins.Mnemonic == Mnemonic.Ret || (ins.Mnemonic == Mnemonic.Jmp && LeavesFunction(ins, functionStart, functionEnd)))
            {
                if (!memory.TryReadUInt64(work[4], out returnAddress, out _)) return false;
                work[4] += 8;
                Array.Copy(work, regs, regs.Length);
                return true;
            }
            else return false;
            first = false;
        }
        return false;
    }

    // A jmp ends an epilog only when it goes elsewhere: an indirect jump or one outside the function.
    private static bool LeavesFunction(in Instruction ins, ulong start, ulong end) =>
        ins.Op0Kind is not (OpKind.NearBranch64 or OpKind.NearBranch32 or OpKind.NearBranch16)
        || ins.NearBranchTarget < start || ins.NearBranchTarget >= end;

    private static int? GeneralIndex(Register register)
    {
        int i = Array.IndexOf(X64Unwinder.RegisterNames, register.ToString().ToLowerInvariant());
        return i >= 0 ? i : null;
    }
}
