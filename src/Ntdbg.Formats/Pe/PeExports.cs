namespace Ntdbg.Formats.Pe;

/// <summary>IMAGE_EXPORT_DIRECTORY and the exports it describes.</summary>
public sealed record PeExportDirectory(
    string? DllName,
    uint Characteristics,
    uint TimeDateStamp,
    ushort MajorVersion,
    ushort MinorVersion,
    uint OrdinalBase,
    uint NumberOfFunctions,
    uint NumberOfNames,
    uint AddressOfFunctions,
    uint AddressOfNames,
    uint AddressOfNameOrdinals,
    IReadOnlyList<PeExport> Exports);

/// <summary>
/// One exported entry point. A forwarder's RVA points inside the export directory at a
/// "Dll.Function" string (<see cref="Forwarder"/>); it has no code in this image.
/// </summary>
public sealed record PeExport(uint Ordinal, string? Name, uint Rva, string? Forwarder)
{
    public bool IsForwarder => Forwarder != null;
}
