using System.Buffers.Binary;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The MSF 7.00 container of a PDB: superblock, stream directory and streams assembled from blocks.
/// Free block maps are ignored. Block size may be any power of two from 512 up ("large page"
/// PDBs use 8192 and more). Every block number is checked against the block count and the file
/// size, and a block listed twice in one stream (or in the directory) is rejected.
/// </summary>
public sealed class MsfFile
{
    public static ReadOnlySpan<byte> Magic => "Microsoft C/C++ MSF 7.00\r\n\u001aDS\0\0\0"u8;
    public const int SuperBlockSize = 56;
    public const uint NilStreamSize = 0xFFFFFFFF;

    private readonly MappedFile _file;
    private readonly uint[] _streamSizes;
    private readonly int[] _streamBlockStart; // index into _directoryBlocks of each stream's first block
    private readonly uint[] _directoryBlockList; // every stream's blocks, in directory order

    private MsfFile(MappedFile file, int blockSize, uint numBlocks, uint directoryBytes, uint blockMapAddress,
                    uint[] streamSizes, int[] streamBlockStart, uint[] blockList)
    {
        _file = file;
        BlockSize = blockSize;
        NumBlocks = numBlocks;
        DirectoryBytes = directoryBytes;
        BlockMapAddress = blockMapAddress;
        _streamSizes = streamSizes;
        _streamBlockStart = streamBlockStart;
        _directoryBlockList = blockList;
    }

    public string Path => _file.Path;
    public int BlockSize { get; }
    public uint NumBlocks { get; }
    public uint DirectoryBytes { get; }
    public uint BlockMapAddress { get; }
    public int StreamCount => _streamSizes.Length;

    public static bool HasMagic(MappedFile file) =>
        file.Length >= SuperBlockSize && file.SpanClamped(0, Magic.Length).SequenceEqual(Magic);

    public static MsfFile Open(MappedFile file)
    {
        var sb = file.Span(0, SuperBlockSize, "MSF superblock");
        if (!sb[..Magic.Length].SequenceEqual(Magic))
            throw new DumpFormatException(file.Path, 0, "not an MSF 7.00 PDB (bad magic)");
        uint blockSize = Le.U32(sb, 32);
        uint numBlocks = Le.U32(sb, 40);
        uint dirBytes = Le.U32(sb, 44);
        uint blockMapAddr = Le.U32(sb, 52);
        if (blockSize < 512 || blockSize > 1 << 20 || (blockSize & (blockSize - 1)) != 0)
            throw new DumpFormatException(file.Path, 32, $"MSF block size {blockSize} is not a power of two from 512 to 1 MiB");
        int bs = (int)blockSize;
        if (numBlocks == 0) throw new DumpFormatException(file.Path, 40, "MSF block count is 0");
        if (blockMapAddr == 0 || blockMapAddr >= numBlocks)
            throw new DumpFormatException(file.Path, 52, $"MSF directory block map at block {blockMapAddr} is outside the {numBlocks} blocks");
        if (dirBytes < 4 || dirBytes > (long)numBlocks * bs)
            throw new DumpFormatException(file.Path, 44, $"MSF directory size 0x{dirBytes:x} is impossible for {numBlocks} blocks of {bs} bytes");
        long dirBlockCount = (dirBytes + blockSize - 1) / blockSize;
        if (dirBlockCount * 4 > bs)
            throw new DumpFormatException(file.Path, 44, $"MSF directory of {dirBlockCount} blocks does not fit one block map block");

        // The block map lists the directory's blocks; the directory is assembled like a stream.
        long mapOffset = (long)blockMapAddr * bs;
        var map = file.Span(mapOffset, (int)dirBlockCount * 4, "MSF directory block map");
        var dirBlocks = new uint[dirBlockCount];
        for (int i = 0; i < dirBlocks.Length; i++) dirBlocks[i] = Le.U32(map, i * 4);
        var directory = Assemble(file, bs, numBlocks, dirBlocks, dirBytes, -1, "MSF directory");

        var dir = directory.AsSpan();
        uint numStreams = BinaryPrimitives.ReadUInt32LittleEndian(dir);
        if (numStreams > PdbLimits.MaxStreams || 4 + (long)numStreams * 4 > dir.Length)
            throw new DumpFormatException(file.Path, (long)dirBlocks[0] * bs, $"MSF directory stream count {numStreams} does not fit the 0x{dirBytes:x}-byte directory");
        var sizes = new uint[numStreams];
        var starts = new int[numStreams];
        long totalBlocks = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            sizes[i] = BinaryPrimitives.ReadUInt32LittleEndian(dir[(4 + i * 4)..]);
            starts[i] = (int)totalBlocks;
            if (sizes[i] != NilStreamSize) totalBlocks += (sizes[i] + blockSize - 1) / blockSize;
        }
        long listOffset = 4 + (long)numStreams * 4;
        if (totalBlocks > (dir.Length - listOffset) / 4)
            throw new DumpFormatException(file.Path, (long)dirBlocks[0] * bs,
                $"MSF directory lists {totalBlocks} stream blocks but holds room for {(dir.Length - listOffset) / 4}");
        var list = new uint[totalBlocks];
        for (int i = 0; i < list.Length; i++) list[i] = BinaryPrimitives.ReadUInt32LittleEndian(dir[(int)(listOffset + i * 4)..]);
        return new MsfFile(file, bs, numBlocks, dirBytes, blockMapAddr, sizes, starts, list);
    }

    /// <summary>The stream's size in bytes (0 for a nil stream).</summary>
    public int StreamSize(int index)
    {
        if ((uint)index >= (uint)_streamSizes.Length) return 0;
        uint s = _streamSizes[index];
        return s == NilStreamSize ? 0 : (int)Math.Min(s, int.MaxValue);
    }

    public bool StreamExists(int index) => (uint)index < (uint)_streamSizes.Length && _streamSizes[index] != NilStreamSize;

    /// <summary>Reads a whole stream; a missing or nil stream is an empty one.</summary>
    public MsfStream ReadStream(int index, string name)
    {
        if (!StreamExists(index)) return new MsfStream(Path, index, name, [], [], BlockSize);
        uint size = _streamSizes[index];
        int count = (int)((size + (uint)BlockSize - 1) / (uint)BlockSize);
        var blocks = new uint[count];
        Array.Copy(_directoryBlockList, _streamBlockStart[index], blocks, 0, count);
        var data = Assemble(_file, BlockSize, NumBlocks, blocks, size, index, name);
        return new MsfStream(Path, index, name, data, blocks, BlockSize);
    }

    private static byte[] Assemble(MappedFile file, int blockSize, uint numBlocks, uint[] blocks, uint size, int index, string name)
    {
        string who = index < 0 ? name : $"stream {index} ({name})";
        // Validate every block before allocating: a hostile size cannot allocate more than the file holds.
        // Blocks past the file's end fail below, so the visited set need not cover more than the file.
        var seen = new System.Collections.BitArray((int)Math.Min(numBlocks, file.Length / blockSize + 1));
        for (int i = 0; i < blocks.Length; i++)
        {
            uint b = blocks[i];
            if (b >= numBlocks)
                throw new DumpFormatException(file.Path, 0, $"{who}: block {i} is number {b}, past the {numBlocks} blocks of the file");
            if (b >= seen.Length)
                throw new DumpFormatException(file.Path, 0, $"{who}: block {b} lies past the end of the file (size 0x{file.Length:x}): truncated PDB");
            if (b == 0)
                throw new DumpFormatException(file.Path, 0, $"{who}: block {i} is the superblock (block 0)");
            if (seen[(int)b])
                throw new DumpFormatException(file.Path, (long)b * blockSize, $"{who}: block {b} is listed twice (cyclic or overlapping block list)");
            seen[(int)b] = true;
            long end = (long)b * blockSize + Math.Min(blockSize, size - (long)i * blockSize);
            if (end > file.Length)
                throw new DumpFormatException(file.Path, (long)b * blockSize, $"{who}: block {b} lies past the end of the file (size 0x{file.Length:x}): truncated PDB");
        }
        var data = new byte[size];
        for (int i = 0; i < blocks.Length; i++)
        {
            int n = (int)Math.Min(blockSize, size - (long)i * blockSize);
            file.Span((long)blocks[i] * blockSize, n, who).CopyTo(data.AsSpan(i * blockSize));
        }
        return data;
    }
}
