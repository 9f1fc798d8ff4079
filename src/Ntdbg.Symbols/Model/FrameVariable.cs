namespace Ntdbg.Symbols.Model;

/// <summary>Where a variable's value is: in a register, or in memory at a register plus an offset.</summary>
public enum VariableLocationKind
{
    Register,
    RegisterRelative,
}

/// <summary>
/// One place a variable lives over a code range [StartRva, +Length) minus the gaps (Length 0:
/// the whole scope of the variable). Register is the full register as the stack walk names it
/// ("rsp", "ebp", "rcx"), or "vframe" for x86's virtual frame ($T0: the address where the
/// frame's return address is stored). A value in part of a register (ecx in rcx, ah in eax)
/// has its byte Shift and Size; Size 0 means the whole register.
/// </summary>
public sealed record VariableLocation(VariableLocationKind Kind, string Register, long Offset, uint StartRva, uint Length,
    IReadOnlyList<(uint Start, uint Length)> Gaps, int Shift = 0, int Size = 0)
{
    /// <summary>The pseudo-register of x86's virtual frame.</summary>
    public const string VirtualFrame = "vframe";

    public bool Covers(uint rva)
    {
        if (Length == 0) return true;
        if (rva < StartRva || rva - StartRva >= Length) return false;
        uint at = rva - StartRva;
        foreach (var (start, length) in Gaps)
            if (at >= start && at - start < length) return false;
        return true;
    }

    public override string ToString() => Kind == VariableLocationKind.Register
        ? "@" + Register
        : $"{Register}{(Offset < 0 ? "-" : "+")}0x{Math.Abs(Offset):x}";
}

/// <summary>
/// A parameter or local of a function: its name, its type (null when the file gives none), the
/// lexical scope it belongs to ([ScopeRva, +ScopeLength): the function or a nested block), and
/// the places it lives. At an address where no location holds, its value is not available.
/// </summary>
public sealed record FrameVariable(string Name, DbgType? Type, bool IsParameter, uint ScopeRva, uint ScopeLength,
    IReadOnlyList<VariableLocation> Locations)
{
    public bool InScope(uint rva) => rva >= ScopeRva && rva - ScopeRva < ScopeLength;

    /// <summary>The location that holds at rva; null when the variable is not available there.</summary>
    public VariableLocation? LocationAt(uint rva) => Locations.FirstOrDefault(l => l.Covers(rva));
}

/// <summary>A function's parameters (in declaration order) and locals (in the order the file lists them).</summary>
public sealed record FunctionFrame(string Name, uint Rva, uint Length, IReadOnlyList<FrameVariable> Variables)
{
    public IEnumerable<FrameVariable> Parameters => Variables.Where(v => v.IsParameter);

    /// <summary>The variables whose scope contains rva: the parameters and the locals of the blocks around it.</summary>
    public IEnumerable<FrameVariable> InScopeAt(uint rva) => Variables.Where(v => v.IsParameter || v.InScope(rva));
}
