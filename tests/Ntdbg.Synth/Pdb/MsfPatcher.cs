using System.Buffers.Binary;

namespace Ntdbg.Synth.Pdb;

/// <summary>
/// Corrupts a copy of a real PDB at chosen places: the MSF superblock, the stream directory and
/// bytes inside streams (located through their block lists). It reads the MSF layout itself
/// (superblock at 0: block size at 32, block count at 40, directory bytes at 44, block map at 52)
/// so a layout bug in the reader cannot hide in the test.
/// </summary>
public sealed class MsfPatcher
{
    public byte[] Bytes { get; }
    public int BlockSize { get; }
    public uint BlockMapAddress { get; }
    private readonly uint[] _dirBlocks;
    private readonly uint[] _sizes;
    private readonly long[] _firstBlockEntry; // directory offset of each stream's first block number

    public MsfPatcher(byte[] original)
    {
        Bytes = (byte[])original.Clone();
        BlockSize = (int)U32At(32);
        uint dirBytes = U32At(44);
        BlockMapAddress = U32At(52);
        _dirBlocks = new uint[(dirBytes + BlockSize - 1) / BlockSize];
        for (int i = 0; i < _dirBlocks.Length; i++) _dirBlocks[i] = U32At((long)BlockMapAddress * BlockSize + i * 4);
        uint n = DirU32(0);
        _sizes = new uint[n];
        _firstBlockEntry = new long[n];
        long entry = 4 + 4L * n;
        for (int i = 0; i < n; i++)
        {
            _sizes[i] = DirU32(4 + 4L * i);
            _firstBlockEntry[i] = entry;
            if (_sizes[i] != 0xFFFFFFFF) entry += 4 * ((_sizes[i] + BlockSize - 1) / BlockSize);
        }
    }

    public int StreamCount => _sizes.Length;
    public uint StreamSize(int s) => _sizes[s];

    public uint U32At(long fileOffset) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan((int)fileOffset));
    public void SetU32At(long fileOffset, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan((int)fileOffset), v);
    public void SetU16At(long fileOffset, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Bytes.AsSpan((int)fileOffset), v);

    /// <summary>File offset of a byte of the directory.</summary>
    public long DirectoryFileOffset(long dirOffset) => (long)_dirBlocks[dirOffset / BlockSize] * BlockSize + dirOffset % BlockSize;

    private uint DirU32(long dirOffset) => U32At(DirectoryFileOffset(dirOffset));

    public void SetDirectoryBlock(int i, uint block) => SetU32At((long)BlockMapAddress * BlockSize + i * 4, block);
    public int DirectoryBlockCount => _dirBlocks.Length;
    public uint DirectoryBlock(int i) => _dirBlocks[i];

    public void SetStreamSize(int stream, uint size) => SetU32At(DirectoryFileOffset(4 + 4L * stream), size);
    public void SetStreamCount(uint count) => SetU32At(DirectoryFileOffset(0), count);

    public uint StreamBlock(int stream, int i) => DirU32(_firstBlockEntry[stream] + 4L * i);
    public void SetStreamBlock(int stream, int i, uint block) => SetU32At(DirectoryFileOffset(_firstBlockEntry[stream] + 4L * i), block);

    /// <summary>File offset of byte <paramref name="offset"/> of a stream.</summary>
    public long StreamFileOffset(int stream, long offset) => (long)StreamBlock(stream, (int)(offset / BlockSize)) * BlockSize + offset % BlockSize;

    public uint StreamU32(int stream, long offset) => U32At(StreamFileOffset(stream, offset));
    public ushort StreamU16(int stream, long offset) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan((int)StreamFileOffset(stream, offset)));

    /// <summary>Writes bytes into a stream (each byte mapped separately, so it may cross blocks).</summary>
    public void WriteStream(int stream, long offset, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++) Bytes[StreamFileOffset(stream, offset + i)] = data[i];
    }

    public void SetStreamU32(int stream, long offset, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        WriteStream(stream, offset, b);
    }

    /// <summary>
    /// Type records of the TPI stream (2): (type index, stream offset of the length field, length, leaf),
    /// walked from the header (header size at 4, first index at 8, record bytes at 16).
    /// </summary>
    public List<(uint Index, long Offset, ushort Length, ushort Leaf)> TypeRecords(int stream = 2)
    {
        var list = new List<(uint, long, ushort, ushort)>();
        uint header = StreamU32(stream, 4), ti = StreamU32(stream, 8), bytes = StreamU32(stream, 16);
        long pos = header, end = header + bytes;
        while (pos + 4 <= end)
        {
            ushort len = StreamU16(stream, pos), leaf = StreamU16(stream, pos + 2);
            list.Add((ti++, pos, len, leaf));
            pos += 2 + len;
        }
        return list;
    }
}
