using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_HEADER (32 bytes at offset 0).</summary>
public sealed record MinidumpHeader(uint Signature, uint Version, uint NumberOfStreams, uint StreamDirectoryRva,
    uint CheckSum, uint TimeDateStamp, ulong Flags)
{
    public const int Size = 32;
    public const uint MdmpSignature = 0x504d444d; // "MDMP"
    public const ushort VersionLowWord = 0xA793;

    /// <summary>The implementation-specific high word (dbghelp build, breakpad's own value...).</summary>
    public ushort ImplementationVersion => (ushort)(Version >> 16);

    public static MinidumpHeader Read(MappedFile file)
    {
        if (file.Length < Size)
            throw new DumpFormatException(file.Path, 0, $"file is {file.Length} bytes, too short for a minidump header ({Size} bytes)");
        var s = file.Span(0, Size, "minidump header");
        var h = new MinidumpHeader(Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8), Le.U32(s, 12), Le.U32(s, 16), Le.U32(s, 20), Le.U64(s, 24));
        if (h.Signature != MdmpSignature)
            throw new DumpFormatException(file.Path, 0, $"not a minidump: signature 0x{h.Signature:x8} is not 'MDMP'");
        if ((h.Version & 0xffff) != VersionLowWord)
            throw new DumpFormatException(file.Path, 4, $"unsupported minidump version 0x{h.Version:x8} (low word must be 0x{VersionLowWord:x4})");
        return h;
    }
}
