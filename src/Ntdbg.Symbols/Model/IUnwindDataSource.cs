namespace Ntdbg.Symbols.Model;

/// <summary>
/// Unwind descriptions a symbol file carries for code whose image gives none: x86 frame layouts
/// (a PDB's FPO and frame data, breakpad's STACK WIN) and breakpad's STACK CFI rules. All
/// addresses are RVAs; lookups return null where the file describes nothing.
/// </summary>
public interface IUnwindDataSource
{
    /// <summary>The x86 frame record covering rva (the innermost when records nest), or null.</summary>
    X86FrameInfo? FindX86Frame(uint rva);

    /// <summary>The STACK CFI rules in force at rva (the INIT record's rules with every delta at or before rva applied), or null.</summary>
    CfiRules? FindCfi(uint rva);
}

/// <summary>Which record an <see cref="X86FrameInfo"/> came from; the values are FPO_DATA's frame types plus 4 for FRAMEDATA.</summary>
public enum X86FrameKind
{
    Fpo = 0,
    Trap = 1,
    Tss = 2,
    Standard = 3,
    FrameData = 4,
}

/// <summary>
/// One x86 frame description (FPO_DATA, FRAMEDATA or a breakpad STACK WIN line). Sizes are in
/// bytes. <see cref="Program"/> is the postfix program ("$T0 $ebp = $eip $T0 4 + ^ = ...") that
/// computes the caller's registers, when the record has one; otherwise
/// <see cref="AllocatesBasePointer"/> says whether EBP is the frame pointer.
/// </summary>
public sealed record X86FrameInfo(
    X86FrameKind Kind,
    uint Rva,
    uint CodeSize,
    uint PrologSize,
    uint SavedRegsSize,
    uint LocalsSize,
    uint ParamsSize,
    uint MaxStackSize,
    bool AllocatesBasePointer,
    string? Program);

/// <summary>
/// The CFI rules in force at one address: register name (".cfa", ".ra", "$ebp", "rbx", ...) to
/// postfix expression, as breakpad writes them (".cfa: $esp 4 +", ".ra: .cfa 4 - ^").
/// </summary>
public sealed record CfiRules(uint Rva, IReadOnlyDictionary<string, string> Rules);
