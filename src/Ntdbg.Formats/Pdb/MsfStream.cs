using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.Pdb;

/// <summary>
/// One MSF stream assembled from its blocks into a contiguous copy. Errors inside the stream name
/// the stream and the file offset of the byte at fault (found through the block list).
/// </summary>
public sealed class MsfStream
{
    private readonly uint[] _blocks;
    private readonly int _blockSize;

    internal MsfStream(string file, int index, string name, byte[] data, uint[] blocks, int blockSize)
    {
        File = file;
        Index = index;
        Name = name;
        Data = data;
        _blocks = blocks;
        _blockSize = blockSize;
    }

    public string File { get; }
    public int Index { get; }
    /// <summary>What the stream holds ("DBI", "TPI", "module 3 symbols"), for error messages.</summary>
    public string Name { get; }
    public byte[] Data { get; }
    public int Length => Data.Length;

    /// <summary>The file offset of a byte of the stream (0 when the position is past the stream).</summary>
    public long FileOffsetOf(long position)
    {
        if (position < 0 || _blocks.Length == 0) return 0;
        long block = position / _blockSize;
        if (block >= _blocks.Length) block = _blocks.Length - 1;
        return (long)_blocks[block] * _blockSize + (position - block * _blockSize);
    }

    public DumpFormatException Error(long position, string problem) =>
        new(File, FileOffsetOf(position), $"stream {Index} ({Name}) at 0x{position:x}: {problem}");

    public PdbReader Reader(int start = 0) => Reader(start, Length - Math.Min(start, Length));

    /// <summary>A reader over [start, start+length) of the stream; the range must lie inside it.</summary>
    public PdbReader Reader(int start, int length)
    {
        if (start < 0 || length < 0 || start > Length || length > Length - start)
            throw Error(start, $"range of 0x{length:x} bytes lies past the end of the stream (size 0x{Length:x})");
        return new PdbReader(this, start, start + length);
    }
}
