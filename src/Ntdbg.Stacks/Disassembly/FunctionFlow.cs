using Ntdbg.Core.Memory;

namespace Ntdbg.Stacks.Disassembly;

/// <summary>
/// The code of one function found by following its branches from the entry, as WinDbg's `uf`
/// does: every block reached by a jump belongs to it, so chunks the compiler moved away from the
/// body (cold paths, separated by PGO) appear too. Calls are not followed; a jump to another
/// function's start is a tail call and ends the block. Blocks come back sorted by address, each
/// instruction once.
/// </summary>
public sealed class FunctionFlow(X86Disassembler disassembler)
{
    public const int MaxInstructions = 20_000;

    /// <param name="isOtherFunction">True for an address where a different function begins (a tail-call target).</param>
    public IReadOnlyList<DisassembledInstruction> Follow(ulong entry, Func<ulong, bool> isOtherFunction, out MemoryFault? fault)
    {
        fault = null;
        var seen = new SortedDictionary<ulong, DisassembledInstruction>();
        var work = new Stack<ulong>();
        work.Push(entry);
        while (work.Count > 0 && seen.Count < MaxInstructions)
        {
            ulong at = work.Pop();
            while (!seen.ContainsKey(at) && seen.Count < MaxInstructions)
            {
                var i = disassembler.DecodeOne(at, out var f);
                if (i == null)
                {
                    fault ??= f;
                    break;
                }
                seen[at] = i;
                if (i.IsReturn || IsTrap(i)) break;
                if (i.BranchTarget is ulong target && !i.IsCall)
                {
                    bool unconditional = i.Text.StartsWith("jmp", StringComparison.Ordinal);
                    if (!isOtherFunction(target) || target == entry) work.Push(target);
                    if (unconditional) break;
                }
                else if (!i.IsCall && i.Text.StartsWith("jmp", StringComparison.Ordinal)) break; // indirect jump: a table or tail call
                at = i.End;
            }
        }
        return [.. seen.Values];
    }

    private static bool IsTrap(DisassembledInstruction i) =>
        i.Text.StartsWith("int3", StringComparison.Ordinal) || i.Text.StartsWith("ud2", StringComparison.Ordinal) || i.Text.StartsWith("hlt", StringComparison.Ordinal);
}
