namespace Ntdbg.Symbols.Model;

/// <summary>
/// One symbol of a module, relative to the module base. Name is what users type and see
/// (undecorated: `Blob::m_Heap`); DecoratedName keeps the linker's name when it differs.
/// Size is 0 when the file does not say. Handle is the source's own key for <see cref="ISymbolSource.TypeOf"/>.
/// </summary>
public sealed record ModuleSymbol(string Name, uint Rva, uint Size, SymbolEntryKind Kind, string? DecoratedName = null, int Handle = -1);
