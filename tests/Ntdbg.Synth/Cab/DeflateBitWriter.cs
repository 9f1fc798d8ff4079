namespace Ntdbg.Synth.Cab;

/// <summary>Packs deflate bits LSB-first; Huffman codes go most significant bit first (RFC 1951 3.1.1).</summary>
public sealed class DeflateBitWriter
{
    private readonly List<byte> _bytes = [];
    private int _bitBuffer, _bitCount;

    public void Write(int value, int count)
    {
        for (int k = 0; k < count; k++)
        {
            _bitBuffer |= ((value >> k) & 1) << _bitCount;
            if (++_bitCount == 8) Flush();
        }
    }

    public void WriteHuffman(int code, int length)
    {
        for (int k = length - 1; k >= 0; k--) Write((code >> k) & 1, 1);
    }

    public byte[] ToArray()
    {
        if (_bitCount > 0) Flush();
        return _bytes.ToArray();
    }

    private void Flush()
    {
        _bytes.Add((byte)_bitBuffer);
        _bitBuffer = 0;
        _bitCount = 0;
    }
}
