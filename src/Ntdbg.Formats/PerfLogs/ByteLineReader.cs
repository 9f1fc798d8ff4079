using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Reads a stream line by line as byte spans over one reused buffer (LF or CRLF endings), keeping
/// the line number and file offset for error messages. The buffer grows only to hold one line and
/// never beyond <see cref="MaxLineBytes"/>, so a file without line breaks cannot make it allocate
/// without bound.
/// </summary>
internal sealed class ByteLineReader(Stream stream, string source)
{
    public const int MaxLineBytes = 64 << 20;
    private byte[] _buffer = new byte[1 << 20];
    private int _start, _end;
    private long _bufferOffset;
    private bool _eof;

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>File offset of the line last returned.</summary>
    public long LineOffset { get; private set; }

    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0 || (_eof && _start < _end))
            {
                int length = nl >= 0 ? nl : _end - _start;
                line = _buffer.AsSpan(_start, length);
                if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
                LineOffset = _bufferOffset + _start;
                LineNumber++;
                _start += nl >= 0 ? nl + 1 : length;
                return true;
            }
            if (_eof)
            {
                line = default;
                return false;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
                throw new DumpFormatException(source, _bufferOffset, $"line {LineNumber + 1}: longer than {MaxLineBytes >> 20} MiB without a line break");
            Array.Resize(ref _buffer, Math.Min(MaxLineBytes, _buffer.Length * 2));
        }
        int n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }
}
