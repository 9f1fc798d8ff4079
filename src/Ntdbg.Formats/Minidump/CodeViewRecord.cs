using System.Text;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>
/// A module's CodeView record: 'RSDS' (GUID, age, PDB path) or 'NB10' (offset, signature, age, PDB path).
/// Other signatures are kept raw so a caller can say what it found.
/// </summary>
public sealed record CodeViewRecord(string Signature, Guid Guid, uint Age, string PdbPath, uint Nb10Signature = 0, uint Nb10Offset = 0)
{
    public const uint Rsds = 0x53445352; // "RSDS"
    public const uint Nb10 = 0x3031424e; // "NB10"

    /// <summary>Decodes a CodeView record; null when it is too short or of an unknown kind.</summary>
    public static CodeViewRecord? Parse(ReadOnlySpan<byte> s)
    {
        if (s.Length < 4) return null;
        uint sig = Le.U32(s, 0);
        if (sig == Rsds && s.Length >= 24)
            return new CodeViewRecord("RSDS", new Guid(s.Slice(4, 16)), Le.U32(s, 20), PdbName(s[24..]));
        if (sig == Nb10 && s.Length >= 16)
            return new CodeViewRecord("NB10", Guid.Empty, Le.U32(s, 12), PdbName(s[16..]), Le.U32(s, 8), Le.U32(s, 4));
        return null;
    }

    /// <summary>The NUL-terminated PDB path (UTF-8 for RSDS; plain ASCII/ANSI in practice for NB10).</summary>
    private static string PdbName(ReadOnlySpan<byte> s)
    {
        int n = s.IndexOf((byte)0);
        if (n < 0) n = s.Length;
        n = Math.Min(n, Ntdbg.Core.Errors.Limits.MaxStringChars);
        return Encoding.UTF8.GetString(s[..n]);
    }
}

/// <summary>IMAGE_DEBUG_MISC: the old misc debug record (usually the image name, DataType 1).</summary>
public sealed record MiscDebugRecord(uint DataType, uint Length, bool Unicode, string Data)
{
    public const int HeaderSize = 12;

    public static MiscDebugRecord? Parse(ReadOnlySpan<byte> s)
    {
        if (s.Length < HeaderSize) return null;
        bool unicode = s[8] != 0;
        var data = s[HeaderSize..];
        if (data.Length > Ntdbg.Core.Errors.Limits.MaxStringChars * 2) data = data[..(Ntdbg.Core.Errors.Limits.MaxStringChars * 2)];
        return new MiscDebugRecord(Le.U32(s, 0), Le.U32(s, 4), unicode, unicode ? Le.Utf16(data) : Le.Ascii(data));
    }
}
