namespace Ntdbg.Formats.Breakpad;

/// <summary>The MODULE record: `MODULE os arch id name`. Id is the PDB GUID and age in hex for Windows modules.</summary>
public sealed record BreakpadModuleRecord(string OperatingSystem, string Architecture, string Id, string Name);

/// <summary>
/// A FUNC record: `FUNC [m] address size parameter_size name`. <see cref="Multiple"/> is the `m`
/// flag (the linker folded several functions into this code). Its line records are
/// <see cref="BreakpadSymbolFile.LinesOf"/>.
/// </summary>
public sealed record BreakpadFunction(ulong Address, ulong Size, uint ParameterSize, string Name, bool Multiple, int FirstLine, int LineCount)
{
    public bool Contains(ulong address) => address >= Address && address - Address < Size;
}

/// <summary>A line record (`address size line file_number`) of the FUNC it follows.</summary>
public readonly record struct BreakpadLine(ulong Address, ulong Size, int Line, int FileNumber);

/// <summary>A PUBLIC record: `PUBLIC [m] address parameter_size name`; it has no size.</summary>
public sealed record BreakpadPublic(ulong Address, uint ParameterSize, string Name, bool Multiple);

/// <summary>
/// A STACK WIN record: an x86 frame description (type 0 FPO_DATA, 4 FRAMEDATA). All numbers are
/// hex in the file. <see cref="ProgramString"/> is set when has_program_string was 1; otherwise
/// <see cref="AllocatesBasePointer"/> carries the last field.
/// </summary>
public sealed record BreakpadStackWin(
    uint Type,
    uint Rva,
    uint CodeSize,
    uint PrologSize,
    uint EpilogSize,
    uint ParameterSize,
    uint SavedRegisterSize,
    uint LocalSize,
    uint MaxStackSize,
    string? ProgramString,
    bool AllocatesBasePointer)
{
    /// <summary>The frame types a STACK WIN record may have (FPO_DATA's 0–3, and 4 for FRAMEDATA).</summary>
    public const uint MaxType = 4;

    public ulong End => (ulong)Rva + CodeSize;
    public bool Contains(uint rva) => rva >= Rva && rva - Rva < CodeSize;
}

/// <summary>A `STACK CFI INIT address size rules` record: the rules at the start of the range.</summary>
public sealed record BreakpadCfiInit(ulong Address, ulong Size, string Rules)
{
    public bool Contains(ulong address) => address >= Address && address - Address < Size;
}

/// <summary>A `STACK CFI address rules` record: rules that change at address.</summary>
public readonly record struct BreakpadCfiDelta(ulong Address, string Rules);

/// <summary>The CFI rules in force at an address: register name (".cfa", ".ra", "$ebp") to postfix expression, in first-seen order.</summary>
public sealed record BreakpadCfiRuleSet(BreakpadCfiInit Init, IReadOnlyDictionary<string, string> Rules);
