using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Pe;

public sealed partial class PeImage
{
    private const int RelocationBlockHeaderSize = 8;

    /// <summary>Counts the base relocation blocks and their entries, checking every block size.</summary>
    public PeRelocationSummary CountBaseRelocations()
    {
        var dir = Directory(PeDataDirectory.BaseRelocation);
        if (dir.VirtualAddress == 0 || dir.Size == 0) return new PeRelocationSummary(0, 0, 0);
        int blocks = 0, entries = 0, absolute = 0;
        uint offset = 0;
        // Each block is at least 8 bytes and the walk only moves forward, so it ends within Size/8 steps.
        while ((ulong)offset + RelocationBlockHeaderSize <= dir.Size)
        {
            uint at = dir.VirtualAddress + offset;
            var header = ReadRva(at, RelocationBlockHeaderSize, $"base relocation block #{blocks}");
            uint blockSize = Le.U32(header, 4);
            if (blockSize < RelocationBlockHeaderSize || blockSize > dir.Size - offset)
                throw Format(at + 4, $"base relocation block #{blocks} has size 0x{blockSize:x} (remaining directory 0x{dir.Size - offset:x})");
            int count = (int)((blockSize - RelocationBlockHeaderSize) / 2);
            var items = ReadRva(at + RelocationBlockHeaderSize, count * 2, $"entries of base relocation block #{blocks}");
            for (int i = 0; i < count; i++)
                if (Le.U16(items, i * 2) >> 12 == 0) absolute++;
            entries += count;
            blocks++;
            if (blocks > Limits.MaxListEntries)
                throw Format(at, $"base relocation block count exceeds the limit of {Limits.MaxListEntries}");
            offset += blockSize;
        }
        return new PeRelocationSummary(blocks, entries, absolute);
    }
}
