using System.IO.Compression;
using System.Text;

namespace Ntdbg.Synth.Cab;

/// <summary>How the builder packs CFDATA blocks.</summary>
public enum CabBlockEncoding
{
    /// <summary>typeCompress 0: blocks hold the bytes as they are.</summary>
    Stored,
    /// <summary>MSZIP, each block compressed on its own by DeflateStream (no reference to the previous block).</summary>
    MsZipIndependent,
    /// <summary>
    /// MSZIP with fixed-Huffman blocks that copy from the previous block (distance 32768) wherever
    /// 258 bytes repeat there, as MS-MCI allows ("the history buffer MUST be maintained").
    /// </summary>
    MsZipCrossBlock,
}

/// <summary>
/// Writes a one-folder Microsoft cabinet (MS-CAB): CFHEADER, CFFOLDER, CFFILE, CFDATA, per the
/// public spec, from its own structs. Blocks are 32 KiB of input; the checksum is 0 (allowed: "not computed").
/// </summary>
public sealed class CabBuilder
{
    public const int BlockSize = 32768;
    private readonly List<(string Name, byte[] Data)> _files = [];

    public CabBlockEncoding Encoding { get; set; } = CabBlockEncoding.MsZipIndependent;

    /// <summary>Write CFDATA checksums (else 0, "not computed").</summary>
    public bool Checksums { get; set; }

    public CabBuilder Add(string name, byte[] data)
    {
        _files.Add((name, data));
        return this;
    }

    public byte[] Build()
    {
        var folderData = _files.SelectMany(f => f.Data).ToArray();
        var blocks = new List<(byte[] Packed, int Unpacked)>();
        for (int offset = 0; offset < folderData.Length; offset += BlockSize)
        {
            int length = Math.Min(BlockSize, folderData.Length - offset);
            var previous = offset >= BlockSize ? folderData.AsSpan(offset - BlockSize, BlockSize) : ReadOnlySpan<byte>.Empty;
            var block = folderData.AsSpan(offset, length);
            blocks.Add((Encode(previous, block), length));
        }

        var names = _files.Select(f => System.Text.Encoding.UTF8.GetBytes(f.Name)).ToList();
        int headerSize = 36, folderSize = 8;
        int filesOffset = headerSize + folderSize;
        int filesSize = names.Sum(n => 16 + n.Length + 1);
        int dataOffset = filesOffset + filesSize;
        int total = dataOffset + blocks.Sum(b => 8 + b.Packed.Length);

        var w = new SynthWriter();
        w.U32(0x4643534D).U32(0).U32((uint)total).U32(0).U32((uint)filesOffset).U32(0)
         .U8(3).U8(1).U16(1).U16((ushort)_files.Count).U16(0).U16(0x1234).U16(0);
        w.U32((uint)dataOffset).U16((ushort)blocks.Count).U16((ushort)(Encoding == CabBlockEncoding.Stored ? 0 : 1));
        uint inFolder = 0;
        for (int i = 0; i < _files.Count; i++)
        {
            w.U32((uint)_files[i].Data.Length).U32(inFolder).U16(0).U16(0x5A21).U16(0x6000).U16(0x20).Bytes(names[i]).U8(0);
            inFolder += (uint)_files[i].Data.Length;
        }
        foreach (var (packed, unpacked) in blocks)
        {
            var sizes = new byte[4];
            BitConverter.TryWriteBytes(sizes.AsSpan(0), (ushort)packed.Length);
            BitConverter.TryWriteBytes(sizes.AsSpan(2), (ushort)unpacked);
            w.U32(Checksums ? Checksum(sizes, Checksum(packed, 0)) : 0).Bytes(sizes).Bytes(packed);
        }
        return w.ToArray();
    }

    /// <summary>MS-CAB 2.4 CSUMCompute: XOR of little-endian 32-bit words, leftover bytes shifted in first-byte-highest.</summary>
    private static uint Checksum(byte[] bytes, uint seed)
    {
        uint sum = seed;
        int i = 0;
        for (; i + 4 <= bytes.Length; i += 4) sum ^= (uint)(bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 | bytes[i + 3] << 24);
        uint tail = 0;
        switch (bytes.Length - i)
        {
            case 3: tail = (uint)(bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2]); break;
            case 2: tail = (uint)(bytes[i] << 8 | bytes[i + 1]); break;
            case 1: tail = bytes[i]; break;
        }
        return sum ^ tail;
    }

    private byte[] Encode(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> block)
    {
        switch (Encoding)
        {
            case CabBlockEncoding.Stored:
                return block.ToArray();
            case CabBlockEncoding.MsZipIndependent:
                using (var ms = new MemoryStream())
                {
                    ms.WriteByte((byte)'C');
                    ms.WriteByte((byte)'K');
                    using (var deflate = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(block);
                    return ms.ToArray();
                }
            default:
                return FixedHuffmanCrossBlock(previous, block);
        }
    }

    /// <summary>One final fixed-Huffman deflate block: 258-byte copies from distance 32768 where the previous block repeats, literals elsewhere.</summary>
    private static byte[] FixedHuffmanCrossBlock(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> block)
    {
        var bits = new DeflateBitWriter();
        bits.Write((byte)'C', 8);
        bits.Write((byte)'K', 8);
        bits.Write(1, 1); // BFINAL
        bits.Write(1, 2); // BTYPE = 01, fixed Huffman
        int i = 0;
        while (i < block.Length)
        {
            if (previous.Length == BlockSize && i + 258 <= block.Length && previous.Slice(i, 258).SequenceEqual(block.Slice(i, 258)))
            {
                bits.WriteHuffman(0xC5, 8);  // length symbol 285 (258, no extra bits): 11000000 + 5
                bits.WriteHuffman(29, 5);    // distance code 29: base 24577, 13 extra bits
                bits.Write(32768 - 24577, 13);
                i += 258;
            }
            else
            {
                byte b = block[i++];
                if (b < 144) bits.WriteHuffman(0x30 + b, 8);
                else bits.WriteHuffman(0x190 + (b - 144), 9);
            }
        }
        bits.WriteHuffman(0, 7); // end of block (256)
        return bits.ToArray();
    }
}
