using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Registers;

/// <summary>Registers to show: all of a context (`r`) or the named ones (`r rax, rbx`).</summary>
public sealed record RegistersResult(Machine Machine, IReadOnlyList<Register> Registers, bool All, string? Location, string? Note)
{
    /// <summary>The instruction at the instruction pointer, as `u` prints it ("address bytes text"); null when its bytes are not in the dump or a stored image.</summary>
    public string? Instruction { get; init; }
}
