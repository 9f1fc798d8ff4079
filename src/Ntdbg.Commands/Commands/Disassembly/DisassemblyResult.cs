using Ntdbg.Stacks.Disassembly;

namespace Ntdbg.Commands.Commands.Disassembly;

/// <summary>A disassembled instruction with the label WinDbg prints above it ("nt!KeBugCheckEx:"), when one starts there.</summary>
public sealed record DisassemblyLine(string? Label, DisassembledInstruction Instruction);

/// <summary>What u/ub/uf show: the lines, and why the listing stopped early (unreadable memory), if it did.</summary>
public sealed record DisassemblyResult(int PointerSize, IReadOnlyList<DisassemblyLine> Lines, string? Stopped, bool CallsOnly = false);
