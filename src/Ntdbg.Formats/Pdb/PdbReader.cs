using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Formats.Pdb;

/// <summary>
/// A cursor over a window of an <see cref="MsfStream"/>. Every read is bounds-checked against the
/// window's end and fails with the stream's one-line <see cref="Ntdbg.Core.Errors.DumpFormatException"/>.
/// </summary>
public struct PdbReader
{
    private readonly MsfStream _stream;

    internal PdbReader(MsfStream stream, int start, int end)
    {
        _stream = stream;
        Position = start;
        End = end;
    }

    public int Position { get; set; }
    public int End { get; }
    public readonly int Remaining => End - Position;
    public readonly bool AtEnd => Position >= End;
    public readonly MsfStream Stream => _stream;

    private readonly ReadOnlySpan<byte> Take(int n, string what)
    {
        if (n < 0 || n > End - Position)
            throw _stream.Error(Position, $"{what} (0x{n:x} bytes) runs past the end of its data (0x{End - Position:x} bytes left)");
        return new ReadOnlySpan<byte>(_stream.Data, Position, n);
    }

    public byte U8(string what = "byte") { byte v = Take(1, what)[0]; Position += 1; return v; }
    public ushort U16(string what = "16-bit field") { var v = BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what)); Position += 2; return v; }
    public short I16(string what = "16-bit field") => (short)U16(what);
    public uint U32(string what = "32-bit field") { var v = BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what)); Position += 4; return v; }
    public int I32(string what = "32-bit field") => (int)U32(what);
    public ulong U64(string what = "64-bit field") { var v = BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what)); Position += 8; return v; }

    public ReadOnlySpan<byte> Bytes(int n, string what) { var s = Take(n, what); Position += n; return s; }

    public void Skip(int n, string what) { Take(n, what); Position += n; }

    public Guid Guid(string what = "GUID") => new(Bytes(16, what));

    /// <summary>A NUL-terminated UTF-8 string; a missing terminator ends it at the window's end.</summary>
    public string CString(string what = "name")
    {
        if (Position > End) throw _stream.Error(Position, $"{what} starts past the end of its data");
        var rest = new ReadOnlySpan<byte>(_stream.Data, Position, Math.Max(0, End - Position));
        int n = rest.IndexOf((byte)0);
        int len = n < 0 ? rest.Length : n;
        if (len > Ntdbg.Core.Errors.Limits.MaxStringChars * 4)
            throw _stream.Error(Position, $"{what} is {len} bytes long, past the string limit");
        string s = Encoding.UTF8.GetString(rest[..len]);
        Position += n < 0 ? len : len + 1;
        return s;
    }

    /// <summary>Advances to the next multiple of <paramref name="alignment"/> relative to the stream (clamped to the end).</summary>
    public void Align(int alignment)
    {
        int p = (Position + alignment - 1) & ~(alignment - 1);
        Position = Math.Min(p, End);
    }

    public readonly Ntdbg.Core.Errors.DumpFormatException Error(string problem) => _stream.Error(Position, problem);
}
