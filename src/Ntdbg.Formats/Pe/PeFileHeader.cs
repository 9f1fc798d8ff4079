namespace Ntdbg.Formats.Pe;

/// <summary>IMAGE_FILE_HEADER (the COFF header after the "PE\0\0" signature).</summary>
public sealed record PeFileHeader(
    ushort Machine,
    ushort NumberOfSections,
    uint TimeDateStamp,
    uint PointerToSymbolTable,
    uint NumberOfSymbols,
    ushort SizeOfOptionalHeader,
    ushort Characteristics)
{
    public const int Size = 20;

    public const ushort MachineI386 = 0x14c;
    public const ushort MachineAmd64 = 0x8664;
    public const ushort MachineArm64 = 0xaa64;

    public const ushort CharacteristicDll = 0x2000;
    public const ushort CharacteristicExecutable = 0x0002;

    public bool IsDll => (Characteristics & CharacteristicDll) != 0;
}
