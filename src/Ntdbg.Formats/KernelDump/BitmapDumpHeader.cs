using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// The bitmap header after a 64-bit dump header (DumpType 5/6): 'SDMP' (kernel) or 'FDMP' (full)
/// + 'DUMP', the file offset of the first stored page at +0x20, the count of stored pages at +0x28,
/// the bitmap size in bits (pages) at +0x30 and the bitmap itself from +0x38.
/// </summary>
public sealed record BitmapDumpHeader(uint Signature, uint ValidDump, ulong FirstPageOffset, ulong TotalPresentPages, ulong BitmapBits, long BitmapOffset)
{
    public const uint SignatureKernel = 0x504D4453; // 'SDMP'
    public const uint SignatureFull = 0x504D4446;   // 'FDMP'
    public const int BitmapStart = 0x38;

    public string SignatureText => System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(Signature));
    public long BitmapBytes => (long)((BitmapBits + 7) / 8);

    public static BitmapDumpHeader Parse(MappedFile file, long offset)
    {
        var s = file.Span(offset, BitmapStart, "bitmap dump header");
        uint sig = Le.U32(s, 0), valid = Le.U32(s, 4);
        if (sig != SignatureKernel && sig != SignatureFull)
            throw new DumpFormatException(file.Path, offset, $"bitmap dump header signature is 0x{sig:x8}, expected 'SDMP' or 'FDMP'");
        if (valid != KernelDumpHeader.ValidDump32)
            throw new DumpFormatException(file.Path, offset + 4, $"bitmap dump header ValidDump is 0x{valid:x8}, expected 'DUMP'");
        var h = new BitmapDumpHeader(sig, valid, Le.U64(s, 0x20), Le.U64(s, 0x28), Le.U64(s, 0x30), offset + BitmapStart);
        // The bitmap is read in whole: it must lie inside the file (this also bounds the rank table).
        if ((h.BitmapBits + 7) / 8 > (ulong)Math.Max(0, file.Length - h.BitmapOffset))
            throw new DumpFormatException(file.Path, offset + 0x30, $"bitmap of 0x{h.BitmapBits:x} bits (0x{(h.BitmapBits + 7) / 8:x} bytes) runs past the end of the file (size 0x{file.Length:x})");
        if (h.FirstPageOffset < (ulong)(h.BitmapOffset + h.BitmapBytes) || h.FirstPageOffset > long.MaxValue / 2)
            throw new DumpFormatException(file.Path, offset + 0x20, $"first page offset 0x{h.FirstPageOffset:x} lies inside the bitmap header or beyond any file");
        return h;
    }
}
