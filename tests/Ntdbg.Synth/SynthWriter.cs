using System.Text;

namespace Ntdbg.Synth;

/// <summary>A growable little-endian byte buffer with positional patching.</summary>
public sealed class SynthWriter
{
    private byte[] _buf = new byte[256];

    public int Position { get; private set; }

    public byte[] ToArray() => _buf.AsSpan(0, Position).ToArray();

    public SynthWriter U8(byte v) { Ensure(1); _buf[Position++] = v; return this; }
    public SynthWriter U16(ushort v) { Ensure(2); BitConverter.TryWriteBytes(_buf.AsSpan(Position), v); Position += 2; return this; }
    public SynthWriter U32(uint v) { Ensure(4); BitConverter.TryWriteBytes(_buf.AsSpan(Position), v); Position += 4; return this; }
    public SynthWriter I32(int v) => U32(unchecked((uint)v));
    public SynthWriter U64(ulong v) { Ensure(8); BitConverter.TryWriteBytes(_buf.AsSpan(Position), v); Position += 8; return this; }

    public SynthWriter Bytes(ReadOnlySpan<byte> b)
    {
        Ensure(b.Length);
        b.CopyTo(_buf.AsSpan(Position));
        Position += b.Length;
        return this;
    }

    public SynthWriter Zeros(int n) { Ensure(n); _buf.AsSpan(Position, n).Clear(); Position += n; return this; }

    /// <summary>UTF-16LE text in a fixed field of <paramref name="chars"/> characters (NUL-padded).</summary>
    public SynthWriter FixedUtf16(string s, int chars)
    {
        var b = new byte[chars * 2];
        Encoding.Unicode.GetBytes(s.AsSpan(0, Math.Min(s.Length, chars - 1)), b);
        return Bytes(b);
    }

    public SynthWriter Align(int a)
    {
        while (Position % a != 0) U8(0);
        return this;
    }

    public void PatchU32(int at, uint v) => BitConverter.TryWriteBytes(_buf.AsSpan(at), v);
    public void PatchU64(int at, ulong v) => BitConverter.TryWriteBytes(_buf.AsSpan(at), v);

    private void Ensure(int n)
    {
        if (Position + n <= _buf.Length) return;
        Array.Resize(ref _buf, Math.Max(_buf.Length * 2, Position + n));
    }
}
