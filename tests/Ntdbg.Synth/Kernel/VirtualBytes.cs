namespace Ntdbg.Synth.Kernel;

/// <summary>Reads back bytes written through a <see cref="PageTableBuilder"/>, by walking the tables it built.</summary>
public static class VirtualBytes
{
    public static byte[] Read(PageTableBuilder pt, SyntheticPhysicalMemory memory, ulong va, int length)
    {
        var result = new byte[length];
        for (int done = 0; done < length;)
        {
            ulong a = va + (ulong)done;
            if (!pt.IsMapped(a)) throw new InvalidOperationException($"0x{a:x} is not mapped by this builder");
            ulong pte = memory.ReadUInt64(pt.EntryAddress(a, 12));
            ulong frame = (pte & 0x000F_FFFF_FFFF_F000) >> 12;
            int inPage = (int)(a & 0xfff);
            int n = Math.Min(0x1000 - inPage, length - done);
            memory.Page(frame).AsSpan(inPage, n).CopyTo(result.AsSpan(done));
            done += n;
        }
        return result;
    }
}
