namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// One line of `dt`: a member at a depth (nesting under -r or a Field. path), its offset in its
/// parent, its name and what follows the colon (a type spelling, or a value when an address was given).
/// </summary>
public sealed record DtLine(int Depth, ulong Offset, string Name, string Text);

/// <summary>
/// What `dt` shows: an optional header ("nt!_EPROCESS" without an address, or -v's "struct
/// _LIST_ENTRY, 2 elements, 0x10 bytes"), the member lines, and notes (memory that could not be
/// read: which address and why). For wildcard type names, the matching type names.
/// </summary>
public sealed record DtResult(string? Header, IReadOnlyList<DtLine> Lines, IReadOnlyList<string> Notes, IReadOnlyList<string>? TypeNames = null);
