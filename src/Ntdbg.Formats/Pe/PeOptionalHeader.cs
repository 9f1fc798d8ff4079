namespace Ntdbg.Formats.Pe;

/// <summary>
/// IMAGE_OPTIONAL_HEADER32/64, widened: PE32 fields that are 32-bit are stored in the 64-bit
/// members. <see cref="BaseOfData"/> exists only in PE32 (null for PE32+).
/// </summary>
public sealed record PeOptionalHeader(
    ushort Magic,
    byte MajorLinkerVersion,
    byte MinorLinkerVersion,
    uint SizeOfCode,
    uint SizeOfInitializedData,
    uint SizeOfUninitializedData,
    uint AddressOfEntryPoint,
    uint BaseOfCode,
    uint? BaseOfData,
    ulong ImageBase,
    uint SectionAlignment,
    uint FileAlignment,
    ushort MajorOperatingSystemVersion,
    ushort MinorOperatingSystemVersion,
    ushort MajorImageVersion,
    ushort MinorImageVersion,
    ushort MajorSubsystemVersion,
    ushort MinorSubsystemVersion,
    uint Win32VersionValue,
    uint SizeOfImage,
    uint SizeOfHeaders,
    uint CheckSum,
    ushort Subsystem,
    ushort DllCharacteristics,
    ulong SizeOfStackReserve,
    ulong SizeOfStackCommit,
    ulong SizeOfHeapReserve,
    ulong SizeOfHeapCommit,
    uint LoaderFlags,
    uint NumberOfRvaAndSizes)
{
    public const ushort MagicPe32 = 0x10b;
    public const ushort MagicPe32Plus = 0x20b;
    /// <summary>Bytes before the data directories: 96 for PE32, 112 for PE32+.</summary>
    public const int FixedSizePe32 = 96;
    public const int FixedSizePe32Plus = 112;

    public bool Is64 => Magic == MagicPe32Plus;
}
