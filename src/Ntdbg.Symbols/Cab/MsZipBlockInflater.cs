using System.IO.Compression;

namespace Ntdbg.Symbols.Cab;

/// <summary>
/// Inflates MSZIP blocks ('CK' + a raw deflate stream, at most 32 KiB out). Each block's deflate
/// stream may refer back into the previous block's output (the compressor keeps its window
/// across blocks), and DeflateStream takes no preset dictionary. So the previous output is put
/// in front of the block as a non-final stored deflate block: the inflater then has it in its
/// window, the real block starts on the byte boundary a stored block ends on, and the stored
/// bytes are skipped in the output.
/// </summary>
public sealed class MsZipBlockInflater
{
    public const int MaxBlockOutput = 32768;
    private readonly byte[] _window = new byte[MaxBlockOutput];
    private int _windowLength;

    /// <summary>Forgets the window (at the start of each folder).</summary>
    public void Reset() => _windowLength = 0;

    /// <summary>Inflates one block into <paramref name="output"/> (exactly its declared size); returns null or the problem.</summary>
    public string? Inflate(ReadOnlySpan<byte> block, Span<byte> output)
    {
        if (block.Length < 2 || block[0] != (byte)'C' || block[1] != (byte)'K')
            return "MSZIP block does not start with 'CK'";
        if (output.Length > MaxBlockOutput) return $"MSZIP block declares {output.Length} bytes out (more than 32 KiB)";

        var deflate = block[2..];
        int prefixLength = _windowLength > 0 ? 5 + _windowLength : 0;
        var input = new byte[prefixLength + deflate.Length];
        if (_windowLength > 0)
        {
            input[0] = 0x00; // BFINAL=0, BTYPE=00 (stored); the rest of the byte is padding
            input[1] = (byte)_windowLength;
            input[2] = (byte)(_windowLength >> 8);
            input[3] = (byte)~_windowLength;
            input[4] = (byte)(~_windowLength >> 8);
            _window.AsSpan(0, _windowLength).CopyTo(input.AsSpan(5));
        }
        deflate.CopyTo(input.AsSpan(prefixLength));

        var produced = new byte[_windowLength + output.Length + 1];
        int total = 0;
        try
        {
            using var stream = new DeflateStream(new MemoryStream(input, writable: false), CompressionMode.Decompress);
            while (total < produced.Length)
            {
                int n = stream.Read(produced, total, produced.Length - total);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            return "MSZIP block is not valid deflate data (" + e.Message.TrimEnd('.') + ")";
        }

        int got = total - _windowLength;
        if (got != output.Length)
            return got > output.Length
                ? $"MSZIP block inflates to more than its declared {output.Length} bytes"
                : $"MSZIP block inflates to {Math.Max(got, 0)} bytes, {output.Length} declared";
        produced.AsSpan(_windowLength, got).CopyTo(output);

        // The next block's window is the last 32 KiB of output (normally exactly this block).
        int keep = Math.Min(_windowLength, MaxBlockOutput - output.Length);
        _window.AsSpan(_windowLength - keep, keep).CopyTo(_window);
        output.CopyTo(_window.AsSpan(keep));
        _windowLength = keep + output.Length;
        return null;
    }
}
