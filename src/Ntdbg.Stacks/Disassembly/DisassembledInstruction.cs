namespace Ntdbg.Stacks.Disassembly;

/// <summary>
/// One decoded instruction: where, its bytes, WinDbg's MASM text ("mov     dword ptr [rax],0",
/// symbolic targets as "call    crash_x64!g (00000001`40001540)"), and for calls and branches the
/// target address. Invalid bytes decode as "???" with length 1, as WinDbg shows them.
/// </summary>
public sealed record DisassembledInstruction(ulong Address, byte[] Bytes, string Text, bool IsCall, bool IsReturn, ulong? BranchTarget)
{
    public ulong End => Address + (ulong)Bytes.Length;

    /// <summary>The line `u`, `r` and !analyze print: "address bytes text", the bytes padded to 16 columns.</summary>
    public string Line(int pointerSize) => $"{Ntdbg.Core.Memory.Hex.Pointer(Address, pointerSize)} {Convert.ToHexStringLower(Bytes),-16} {Text}";
}
