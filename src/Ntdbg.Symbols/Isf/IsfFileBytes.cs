using Ntdbg.Core.Errors;
using SharpCompress.Compressors.Xz;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// Reads an ISF file into memory as JSON bytes: plain <c>.json</c> as is, <c>.json.xz</c>
/// decompressed. The format is told by the XZ magic, not the extension. Output is capped
/// (<see cref="IsfLimits.MaxJsonBytes"/> by default) so a decompression bomb stops early.
/// </summary>
internal static class IsfFileBytes
{
    private static ReadOnlySpan<byte> XzMagic => [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00];

    public static ReadOnlyMemory<byte> Read(string path, long maxBytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> head = stackalloc byte[6];
        int got = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (got == head.Length && head.SequenceEqual(XzMagic))
            return Decompress(path, file, maxBytes);
        if (file.Length > maxBytes)
            throw new DumpFormatException(path, 0, $"JSON of {file.Length} bytes exceeds the limit of {maxBytes}");
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The JSON of a table file already read into memory (<paramref name="raw"/>), decompressed when it is XZ.</summary>
    public static ReadOnlyMemory<byte> Read(string path, byte[] raw, long maxBytes)
    {
        if (raw.AsSpan().StartsWith(XzMagic))
        {
            using var compressed = new MemoryStream(raw, writable: false);
            return Decompress(path, compressed, maxBytes);
        }
        if (raw.Length > maxBytes)
            throw new DumpFormatException(path, 0, $"JSON of {raw.Length} bytes exceeds the limit of {maxBytes}");
        return raw;
    }

    /// <summary>Decompresses XZ data; corrupt or truncated input becomes one <see cref="DumpFormatException"/>.</summary>
    public static ReadOnlyMemory<byte> Decompress(string path, Stream compressed, long maxBytes)
    {
        // Real tables expand about 10x; start there so the buffer rarely regrows.
        long guess = Math.Min(Math.Clamp(compressed.Length * 12, 1 << 16, 64L << 20), maxBytes);
        var output = new MemoryStream((int)guess);
        var buffer = new byte[1 << 16];
        try
        {
            using var xz = new XZStream(compressed);
            int n;
            while ((n = xz.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + n > maxBytes)
                    throw new DumpFormatException(path, compressed.Position,
                        $"XZ data expands beyond the limit of {maxBytes} bytes");
                output.Write(buffer, 0, n);
            }
        }
        catch (DumpFormatException) { throw; }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            long at = SafePosition(compressed);
            throw new DumpFormatException(path, at, $"XZ data is corrupt or truncated ({OneLine(ex.Message)})");
        }
        // No copy: the JSON is parsed straight from the stream's buffer.
        return new ReadOnlyMemory<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    private static long SafePosition(Stream s)
    {
        try { return s.Position; } catch (ObjectDisposedException) { return 0; }
    }

    internal static string OneLine(string message)
    {
        int nl = message.IndexOfAny(['\r', '\n']);
        return nl >= 0 ? message[..nl] : message;
    }
}
