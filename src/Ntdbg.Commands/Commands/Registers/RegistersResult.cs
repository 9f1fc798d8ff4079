using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Registers;

/// <summary>Registers to show: all of a context (`r`) or the named ones (`r rax, rbx`).</summary>
public sealed record RegistersResult(Machine Machine, IReadOnlyList<Register> Registers, bool All, string? Location, string? Note);
