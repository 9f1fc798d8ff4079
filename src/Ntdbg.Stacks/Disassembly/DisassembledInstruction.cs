namespace Ntdbg.Stacks.Disassembly;

/// <summary>
/// One decoded instruction: where, its bytes, WinDbg's MASM text ("mov     dword ptr [rax],0",
/// symbolic targets as "call    crash_x64!g (00000001`40001540)"), and for calls and branches the
/// target address. Invalid bytes decode as "???" with length 1, as WinDbg shows them.
/// </summary>
public sealed record DisassembledInstruction(ulong Address, byte[] Bytes, string Text, bool IsCall, bool IsReturn, ulong? BranchTarget)
{
    public ulong End => Address + (ulong)Bytes.Length;
}
