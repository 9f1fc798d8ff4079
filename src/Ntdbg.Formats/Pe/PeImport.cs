namespace Ntdbg.Formats.Pe;

/// <summary>One IMAGE_IMPORT_DESCRIPTOR with the functions its lookup table names.</summary>
public sealed record PeImportedModule(
    string DllName,
    uint OriginalFirstThunk,
    uint TimeDateStamp,
    uint ForwarderChain,
    uint NameRva,
    uint FirstThunk,
    IReadOnlyList<PeImportedFunction> Functions);

/// <summary>
/// One thunk: imported by name (with the loader's hint) or by ordinal. <see cref="IatRva"/> is the
/// slot in the import address table the loader fills with the function's address.
/// </summary>
public sealed record PeImportedFunction(string? Name, ushort Hint, ushort? Ordinal, uint IatRva, ulong ThunkValue)
{
    public bool ByOrdinal => Ordinal.HasValue;
}
