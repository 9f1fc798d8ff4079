namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The "/names" string table: signature 0xEFFEEFFE, hash version, buffer size, then the
/// NUL-terminated strings that other streams (frame data programs, file names) refer to by offset.
/// </summary>
public sealed class PdbStringTable
{
    public const uint Signature = 0xEFFEEFFE;

    private readonly MsfStream _stream;
    private readonly int _start, _length;

    private PdbStringTable(MsfStream stream, int start, int length) { _stream = stream; _start = start; _length = length; }

    public static PdbStringTable Empty { get; } = new(new MsfStream("", -1, "/names", [], [], 512), 0, 0);

    public static PdbStringTable Read(MsfStream stream)
    {
        var r = stream.Reader();
        uint sig = r.U32("string table signature");
        if (sig != Signature) throw stream.Error(0, $"string table signature 0x{sig:x} is not 0x{Signature:x}");
        r.U32("string table hash version");
        int size = r.I32("string table size");
        if (size < 0 || size > r.Remaining) throw stream.Error(8, $"string table of 0x{size:x} bytes does not fit the stream");
        return new PdbStringTable(stream, r.Position, size);
    }

    /// <summary>The string at an offset into the buffer; null when the offset is outside it.</summary>
    public string? Get(uint offset)
    {
        if (offset >= (uint)_length) return null;
        var r = _stream.Reader(_start + (int)offset, _length - (int)offset);
        return r.CString("string table entry");
    }
}
