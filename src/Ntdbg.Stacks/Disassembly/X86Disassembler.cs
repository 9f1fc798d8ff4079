using Iced.Intel;
using Ntdbg.Core.Memory;

namespace Ntdbg.Stacks.Disassembly;

/// <summary>
/// x86/x64 disassembly over a debugger's memory with Iced, formatted as WinDbg prints it (MASM,
/// hex with an `h` suffix, no space after commas, branch targets and RIP-relative operands named
/// through the symbols with the address in parentheses). Unreadable bytes end the listing with
/// the fault; nothing is made up.
/// </summary>
public sealed class X86Disassembler
{
    public const int MaxInstructionLength = 15;
    private readonly IVirtualMemory _memory;
    private readonly int _bitness;
    private readonly MasmFormatter _formatter;

    /// <param name="describe">Names an address ("nt!KeBugCheckEx+0x10") or returns null.</param>
    public X86Disassembler(IVirtualMemory memory, int pointerSize, Func<ulong, string?> describe)
    {
        _memory = memory;
        _bitness = pointerSize == 4 ? 32 : 64;
        _formatter = new MasmFormatter(new Resolver(describe, pointerSize));
        var o = _formatter.Options;
        o.FirstOperandCharIndex = 8;
        o.HexSuffix = "h";
        o.UppercaseHex = true;
        o.SpaceAfterOperandSeparator = false;
        o.ShowSymbolAddress = false;
        o.RipRelativeAddresses = false;
        o.MasmDisplInBrackets = true;
        o.MemorySizeOptions = MemorySizeOptions.Always;
    }

    /// <summary>Decodes up to <paramref name="count"/> instructions from <paramref name="address"/>; stops early at unreadable memory.</summary>
    public IReadOnlyList<DisassembledInstruction> Forward(ulong address, int count, out MemoryFault? fault)
    {
        var list = new List<DisassembledInstruction>(count);
        fault = null;
        ulong at = address;
        while (list.Count < count)
        {
            var i = DecodeOne(at, out fault);
            if (i == null) break;
            list.Add(i);
            at = i.End;
        }
        return list;
    }

    /// <summary>Decodes the range [start, end).</summary>
    public IReadOnlyList<DisassembledInstruction> Range(ulong start, ulong end, out MemoryFault? fault)
    {
        var list = new List<DisassembledInstruction>();
        fault = null;
        for (ulong at = start; at < end && list.Count < 100_000;)
        {
            var i = DecodeOne(at, out fault);
            if (i == null) break;
            list.Add(i);
            at = i.End;
        }
        return list;
    }

    public DisassembledInstruction? DecodeOne(ulong address, out MemoryFault? fault)
    {
        var buffer = new byte[MaxInstructionLength];
        int n = _memory.Read(address, buffer, out fault);
        if (n == 0) return null;
        var decoder = Decoder.Create(_bitness, new ByteArrayCodeReader(buffer, 0, n), address);
        decoder.Decode(out var instruction);
        if (instruction.IsInvalid || instruction.Length == 0)
        {
            // Too few bytes readable for a whole instruction is a fault; otherwise the bytes are not code.
            if (decoder.LastError == DecoderError.NoMoreBytes && fault != null) return null;
            fault = null;
            return new DisassembledInstruction(address, [buffer[0]], "???", false, false, null);
        }
        fault = null;
        var output = new StringOutput();
        _formatter.Format(instruction, output);
        bool isCall = instruction.FlowControl is FlowControl.Call or FlowControl.IndirectCall;
        bool isReturn = instruction.FlowControl == FlowControl.Return;
        ulong? target = instruction.FlowControl is FlowControl.Call or FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch
            ? instruction.NearBranchTarget : null;
        return new DisassembledInstruction(address, buffer[..instruction.Length], output.ToStringAndReset(), isCall, isReturn, target);
    }

    /// <summary>
    /// The <paramref name="count"/> instructions ending exactly at <paramref name="address"/>
    /// (`ub`). From a known function start the answer is exact; otherwise every start up to
    /// count×15 bytes back is tried and the longest decode that lands on the address wins.
    /// </summary>
    public IReadOnlyList<DisassembledInstruction> Backward(ulong address, int count, ulong? functionStart, out MemoryFault? fault)
    {
        fault = null;
        if (functionStart is ulong fs && fs < address && address - fs <= 0x10000)
        {
            var all = Range(fs, address, out fault);
            if (all.Count > 0 && all[^1].End == address) return all.Skip(Math.Max(0, all.Count - count)).ToList();
        }
        ulong window = (ulong)(count * MaxInstructionLength);
        ulong lowest = address > window ? address - window : 0;
        IReadOnlyList<DisassembledInstruction> best = [];
        int bestScore = -1;
        for (ulong start = lowest; start < address; start++)
        {
            var run = Range(start, address, out var f);
            if (run.Count == 0 || run[^1].End != address) continue;
            // Prefer decodes without invalid bytes, then the ones that reach furthest back in whole instructions.
            int invalid = run.Count(i => i.Text == "???");
            int score = run.Count - invalid * 100;
            if (score > bestScore)
            {
                bestScore = score;
                best = run;
                fault = f;
            }
            if (run.Count >= count && invalid == 0) break;
        }
        return best.Skip(Math.Max(0, best.Count - count)).ToList();
    }

    private sealed class Resolver(Func<ulong, string?> describe, int pointerSize) : ISymbolResolver
    {
        public bool TryGetSymbol(in Instruction instruction, int operand, int instructionOperand, ulong address, int addressSize, out SymbolResult symbol)
        {
            // Only addresses a branch or RIP-relative operand uses are named; small immediates stay numbers.
            // instructionOperand is -1 for operands the formatter adds itself (no symbol wanted there).
            var kind = instructionOperand >= 0 && instructionOperand < instruction.OpCount ? instruction.GetOpKind(instructionOperand) : OpKind.Register;
            bool isTarget = kind is OpKind.NearBranch16 or OpKind.NearBranch32 or OpKind.NearBranch64
                || (kind == OpKind.Memory && instruction.IsIPRelativeMemoryOperand);
            string? name = isTarget ? describe(address) : null;
            if (name == null)
            {
                symbol = default;
                return false;
            }
            symbol = new SymbolResult(address, $"{name} ({Hex.Pointer(address, pointerSize)})");
            return true;
        }
    }
}
