using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Pdb;

/// <summary>
/// Rewrites a PDB's streams into a new MSF 7.00 container with another block size (512 up to the
/// "large page" sizes), so the reader can be tested on block sizes the real corpus lacks. Layout:
/// superblock, the two free block maps (all blocks marked used), stream blocks, directory blocks,
/// block map. Blocks 1 and 2 of every BlockSize-block interval are left to the free block maps.
/// </summary>
public static class MsfRebuilder
{
    public static byte[] Rebuild(byte[] original, int blockSize, IReadOnlyDictionary<int, byte[]>? replace = null)
    {
        var src = new MsfPatcher(original);
        var streams = new List<byte[]?>();
        for (int s = 0; s < src.StreamCount; s++)
        {
            uint size = src.StreamSize(s);
            if (replace != null && replace.TryGetValue(s, out var replacement)) { streams.Add(replacement); continue; }
            if (size == 0xFFFFFFFF) { streams.Add(null); continue; }
            var data = new byte[size];
            for (long i = 0; i < size; i++) data[i] = original[src.StreamFileOffset(s, i)];
            streams.Add(data);
        }

        uint next = 3;
        uint Allocate()
        {
            while (next % blockSize is 1 or 2) next++;
            return next++;
        }
        var blockLists = new List<uint[]>();
        foreach (var data in streams)
        {
            int n = data == null ? 0 : (data.Length + blockSize - 1) / blockSize;
            var list = new uint[n];
            for (int i = 0; i < n; i++) list[i] = Allocate();
            blockLists.Add(list);
        }
        var dir = new List<byte>();
        void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); dir.AddRange(b.ToArray()); }
        U32((uint)streams.Count);
        foreach (var data in streams) U32(data == null ? 0xFFFFFFFF : (uint)data.Length);
        foreach (var list in blockLists) foreach (var b in list) U32(b);
        int dirBlockCount = (dir.Count + blockSize - 1) / blockSize;
        if (dirBlockCount * 4 > blockSize) throw new InvalidOperationException("directory too large for one block map block");
        var dirBlocks = new uint[dirBlockCount];
        for (int i = 0; i < dirBlockCount; i++) dirBlocks[i] = Allocate();
        uint blockMap = Allocate();
        uint numBlocks = next;

        var file = new byte[(long)numBlocks * blockSize];
        Encoding.ASCII.GetBytes("Microsoft C/C++ MSF 7.00\r\n\u001aDS\0\0\0").CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(32), (uint)blockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(36), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(40), numBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(44), (uint)dir.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(52), blockMap);
        for (int s = 0; s < streams.Count; s++)
        {
            var data = streams[s];
            if (data == null) continue;
            for (int i = 0; i < blockLists[s].Length; i++)
            {
                int n = Math.Min(blockSize, data.Length - i * blockSize);
                Array.Copy(data, i * blockSize, file, (long)blockLists[s][i] * blockSize, n);
            }
        }
        var dirBytes = dir.ToArray();
        for (int i = 0; i < dirBlockCount; i++)
        {
            int n = Math.Min(blockSize, dirBytes.Length - i * blockSize);
            Array.Copy(dirBytes, i * blockSize, file, (long)dirBlocks[i] * blockSize, n);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)((long)blockMap * blockSize + i * 4)), dirBlocks[i]);
        }
        return file;
    }
}
