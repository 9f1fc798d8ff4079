namespace Ntdbg.Formats.Pe;

/// <summary>IMAGE_SECTION_HEADER.</summary>
public sealed record PeSectionHeader(
    int Index,
    string Name,
    uint VirtualSize,
    uint VirtualAddress,
    uint SizeOfRawData,
    uint PointerToRawData,
    uint PointerToRelocations,
    uint PointerToLinenumbers,
    ushort NumberOfRelocations,
    ushort NumberOfLinenumbers,
    uint Characteristics)
{
    public const int Size = 40;

    /// <summary>The section's extent in memory before alignment: VirtualSize, or the raw size when a linker left it 0.</summary>
    public uint VirtualExtent => VirtualSize != 0 ? VirtualSize : SizeOfRawData;

    public bool ContainsRva(uint rva) => rva >= VirtualAddress && rva - VirtualAddress < VirtualExtent;
}
