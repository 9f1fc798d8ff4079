namespace Ntdbg.Commands.Commands.Symbols;

/// <summary>An address and its display name ("nt!KeBugCheckEx+0x10"; "amdppm+0x1234" where the module has no symbol).</summary>
public sealed record LnSymbol(ulong Address, string Name);

/// <summary>
/// `ln`: the symbol at or before the address (with the displacement in its name), the next symbol,
/// and — when the address is exactly a symbol's — every symbol there. Nearest is null outside every module.
/// </summary>
public sealed record LnResult(int PointerSize, ulong Address, LnSymbol? Nearest, LnSymbol? Next, IReadOnlyList<SymbolEntry> ExactMatches);
