using System.Buffers.Binary;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Stacks.Disassembly;

namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// x64 virtual unwinding with .pdata/UNWIND_INFO, as RtlVirtualUnwind does it: the prolog's
/// unwind codes are undone in reverse (only those already executed when the instruction pointer
/// is inside the prolog), the frame register restores the stack pointer, chained entries are
/// followed, machine frames restore RIP/RSP from the processor's frame; a function without an
/// entry in a readable .pdata is a leaf whose return address is at RSP. When the module's image
/// (and so its .pdata) is not available, or the address is in no module, the walk stops and
/// says so rather than guess. Every read that fails ends the walk
/// with the fault; nothing is guessed. A context stopped inside an epilog is unwound by
/// emulating the rest of the epilog (<see cref="X64Epilog"/>).
/// </summary>
public sealed class X64Unwinder(IVirtualMemory memory, Func<ulong, ulong?> moduleBaseOf)
{
    private const int MaxChain = 32;
    private readonly FunctionStarts _functions = new(memory);

    /// <summary>Register numbers in UNWIND_CODE order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15.</summary>
    public static readonly string[] RegisterNames = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

    /// <summary>Unwinds one frame in place: on return, regs hold the caller's context. False when the walk must stop.</summary>
    public bool Unwind(ulong[] regs, ref ulong rip, out FrameSource source, out string? problem)
    {
        source = FrameSource.Leaf;
        problem = null;
        ulong? moduleBase = moduleBaseOf(rip);
        if (moduleBase is not ulong mb)
        {
            problem = $"{Hex.Address(rip)} is in no module: the walk stops (frame scanning is not built yet)";
            return false;
        }
        if (!_functions.HasTable(mb))
        {
            problem = $"no unwind data for {Hex.Address(rip)}: its module's image is neither in the dump nor found on the symbol path";
            return false;
        }
        PeRuntimeFunction? function = _functions.FindEntry(mb, rip);
        if (function is not { } f)
        {
            // A leaf: nothing pushed, the return address is on top of the stack.
            if (!Read(regs[4], out ulong ret, out problem)) return false;
            rip = ret;
            regs[4] += 8;
            return true;
        }
        source = FrameSource.UnwindInfo;
        ulong b = moduleBase!.Value;
        ulong offset = rip - (b + f.BeginAddress);
        uint unwindRva = f.UnwindData;
        for (int chain = 0; chain < MaxChain; chain++)
        {
            if (!ReadBytes(b + unwindRva, 4, out var head, out problem)) return false;
            int flags = head[0] >> 3, prologSize = head[1], codeCount = head[2];
            int frameRegister = head[3] & 0xf, frameOffset = head[3] >> 4;
            if (!ReadBytes(b + unwindRva + 4, codeCount * 2 + 12, out var codes, out problem)) return false;
            bool inProlog = chain == 0 && offset < (ulong)prologSize;
            if (chain == 0 && !inProlog && X64Epilog.TryEmulate(memory, rip, b + f.BeginAddress, b + (f.EndAddress ?? f.BeginAddress), regs, out ulong afterEpilog))
            {
                rip = afterEpilog;
                source = FrameSource.Epilog;
                return true;
            }
            for (int i = 0; i < codeCount;)
            {
                int codeOffset = codes[i * 2], op = codes[i * 2 + 1] & 0xf, info = codes[i * 2 + 1] >> 4;
                int slots = Slots(op, info);
                // Codes for prolog instructions that have not run yet are skipped.
                bool applies = !inProlog || (ulong)codeOffset <= offset;
                if (applies)
                {
                    switch (op)
                    {
                        case 0: // PUSH_NONVOL
                            if (!Read(regs[4], out regs[info], out problem)) return false;
                            regs[4] += 8;
                            break;
                        case 1: // ALLOC_LARGE
                            regs[4] += info == 0 ? 8UL * BinaryPrimitives.ReadUInt16LittleEndian(codes.AsSpan(i * 2 + 2)) : BinaryPrimitives.ReadUInt32LittleEndian(codes.AsSpan(i * 2 + 2));
                            break;
                        case 2: // ALLOC_SMALL
                            regs[4] += (ulong)(info * 8 + 8);
                            break;
                        case 3: // SET_FPREG
                            regs[4] = regs[frameRegister] - (ulong)(frameOffset * 16);
                            break;
                        case 4: // SAVE_NONVOL
                            if (!Read(regs[4] + 8UL * BinaryPrimitives.ReadUInt16LittleEndian(codes.AsSpan(i * 2 + 2)), out regs[info], out problem)) return false;
                            break;
                        case 5: // SAVE_NONVOL_FAR
                            if (!Read(regs[4] + BinaryPrimitives.ReadUInt32LittleEndian(codes.AsSpan(i * 2 + 2)), out regs[info], out problem)) return false;
                            break;
                        case 10: // PUSH_MACHFRAME: RIP and RSP come from the processor's frame
                            ulong frame = regs[4] + (info == 1 ? 8UL : 0);
                            if (!Read(frame, out rip, out problem) || !Read(frame + 24, out regs[4], out problem)) return false;
                            source = FrameSource.MachineFrame;
                            return true;
                    }
                }
                i += slots;
            }
            if ((flags & 4) == 0) break; // not chained
            int aligned = codeCount + (codeCount & 1);
            if (!ReadBytes(b + unwindRva + 4 + (ulong)(aligned * 2), 12, out var parent, out problem)) return false;
            unwindRva = BinaryPrimitives.ReadUInt32LittleEndian(parent.AsSpan(8));
        }
        if (!Read(regs[4], out ulong returnAddress, out problem)) return false;
        rip = returnAddress;
        regs[4] += 8;
        return true;
    }

    private static int Slots(int op, int info) => op switch
    {
        1 => info == 0 ? 2 : 3,
        4 => 2,
        5 => 3,
        8 => 2,
        9 => 3,
        _ => 1,
    };

    private bool Read(ulong address, out ulong value, out string? problem)
    {
        value = 0;
        if (!memory.TryReadUInt64(address, out value, out var fault))
        {
            problem = fault?.ToString() ?? $"stack at {Hex.Address(address)} unreadable";
            return false;
        }
        problem = null;
        return true;
    }

    private bool ReadBytes(ulong address, int length, out byte[] bytes, out string? problem)
    {
        bytes = new byte[length];
        int n = memory.Read(address, bytes, out var fault);
        problem = n < length ? $"unwind data at {Hex.Address(address)} unreadable: {fault?.Detail}" : null;
        return problem == null;
    }
}
