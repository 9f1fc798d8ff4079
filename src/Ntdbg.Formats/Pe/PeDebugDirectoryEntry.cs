namespace Ntdbg.Formats.Pe;

/// <summary>IMAGE_DEBUG_DIRECTORY entry, with the CodeView record decoded when Type is 2.</summary>
public sealed record PeDebugDirectoryEntry(
    uint Characteristics,
    uint TimeDateStamp,
    ushort MajorVersion,
    ushort MinorVersion,
    uint Type,
    uint SizeOfData,
    uint AddressOfRawData,
    uint PointerToRawData,
    PeCodeView? CodeView,
    /// <summary>Why a CodeView record could not be read (unmapped, malformed), when it could not.</summary>
    string? CodeViewProblem = null)
{
    public const int Size = 28;
    public const uint TypeCodeView = 2;
}

/// <summary>
/// A CodeView debug record naming the PDB: 'RSDS' (PDB 7.0: GUID, age, path) or 'NB10'
/// (PDB 2.0: timestamp signature, age, path).
/// </summary>
public sealed record PeCodeView(string Format, Guid Guid, uint Age, string PdbPath, uint Nb10Signature = 0);
