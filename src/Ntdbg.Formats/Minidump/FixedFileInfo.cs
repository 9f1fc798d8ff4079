using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>VS_FIXEDFILEINFO (52 bytes) as a module record stores it; Signature 0xFEEF04BD when present.</summary>
public sealed record FixedFileInfo(uint Signature, uint StructVersion, uint FileVersionMs, uint FileVersionLs,
    uint ProductVersionMs, uint ProductVersionLs, uint FileFlagsMask, uint FileFlags, uint FileOs, uint FileType,
    uint FileSubtype, uint FileDateMs, uint FileDateLs)
{
    public const int Size = 52;
    public const uint ExpectedSignature = 0xFEEF04BD;

    public bool IsPresent => Signature == ExpectedSignature;

    public static FixedFileInfo Read(ReadOnlySpan<byte> s, int o) => new(
        Le.U32(s, o), Le.U32(s, o + 4), Le.U32(s, o + 8), Le.U32(s, o + 12), Le.U32(s, o + 16), Le.U32(s, o + 20),
        Le.U32(s, o + 24), Le.U32(s, o + 28), Le.U32(s, o + 32), Le.U32(s, o + 36), Le.U32(s, o + 40), Le.U32(s, o + 44),
        Le.U32(s, o + 48));
}
