namespace Ntdbg.Formats.Pe;

/// <summary>IMAGE_DOS_HEADER: the MZ stub header. Only e_lfanew matters to Windows; the rest is kept for display.</summary>
public sealed record PeDosHeader(
    ushort Magic,
    ushort BytesOnLastPage,
    ushort PagesInFile,
    ushort Relocations,
    ushort HeaderParagraphs,
    ushort MinExtraParagraphs,
    ushort MaxExtraParagraphs,
    ushort InitialSs,
    ushort InitialSp,
    ushort Checksum,
    ushort InitialIp,
    ushort InitialCs,
    ushort RelocationTableOffset,
    ushort OverlayNumber,
    ushort OemId,
    ushort OemInfo,
    int NewHeaderOffset)
{
    public const int Size = 0x40;
}
