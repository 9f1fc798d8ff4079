using System.Buffers.Binary;

namespace Ntdbg.Core.IO;

/// <summary>Little-endian field access on spans that were already bounds-checked as a whole.</summary>
public static class Le
{
    public static ushort U16(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(s[offset..]);
    public static uint U32(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(s[offset..]);
    public static int I32(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadInt32LittleEndian(s[offset..]);
    public static ulong U64(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(s[offset..]);
    public static long I64(ReadOnlySpan<byte> s, int offset) => BinaryPrimitives.ReadInt64LittleEndian(s[offset..]);

    /// <summary>A NUL-terminated ASCII string within a fixed-size field.</summary>
    public static string Ascii(ReadOnlySpan<byte> s)
    {
        int n = s.IndexOf((byte)0);
        if (n < 0) n = s.Length;
        return System.Text.Encoding.ASCII.GetString(s[..n]);
    }

    /// <summary>A UTF-16LE string of <paramref name="byteCount"/> bytes (odd trailing byte dropped).</summary>
    public static string Utf16(ReadOnlySpan<byte> s)
    {
        var text = System.Text.Encoding.Unicode.GetString(s[..(s.Length & ~1)]);
        int nul = text.IndexOf('\0');
        return nul >= 0 ? text[..nul] : text;
    }
}
