namespace Ntdbg.Core.Memory;

/// <summary>
/// Finds a byte pattern in [start, end) over the readable chunks of an address space, using the
/// vectorized span search on the dump's mapped memory. Matches that straddle two adjacent chunks
/// are found through a small carry buffer; holes break matches.
/// </summary>
public static class MemorySearcher
{
    public sealed record Stats(ulong BytesScanned, int HitCount, bool Truncated);

    public static Stats Search(IVirtualMemory memory, ulong start, ulong end, ReadOnlySpan<byte> pattern, int alignment,
        int maxHits, Action<ulong> onHit)
    {
        if (pattern.Length == 0 || end <= start) return new Stats(0, 0, false);
        byte[] pat = pattern.ToArray();
        byte[] carry = new byte[(pat.Length - 1) * 2];
        byte[] joinBuffer = new byte[carry.Length];
        int carryLen = 0;
        ulong carryEnd = 0; // address just past the carried bytes
        ulong scanned = 0;
        int hits = 0;
        bool truncated = false;

        memory.VisitChunks(start, end, (addr, data) =>
        {
            // Clip the chunk to the requested range.
            if (addr < start) { ulong skip = start - addr; if (skip >= (ulong)data.Length) return true; data = data[(int)skip..]; addr = start; }
            if (addr + (ulong)data.Length > end) data = data[..(int)(end - addr)];
            scanned += (ulong)data.Length;

            // Matches that begin in the previous chunk and end in this one.
            if (carryLen > 0 && carryEnd == addr && pat.Length > 1)
            {
                int take = Math.Min(pat.Length - 1, data.Length);
                var buf = joinBuffer.AsSpan(0, carryLen + take);
                carry.AsSpan(0, carryLen).CopyTo(buf);
                data[..take].CopyTo(buf[carryLen..]);
                ulong bufStart = addr - (ulong)carryLen;
                for (int i = 0; i + pat.Length <= buf.Length; i++)
                {
                    if (i + pat.Length <= carryLen) continue; // wholly inside the previous chunk: already found
                    if (i >= carryLen) break;                  // wholly inside this chunk: found below
                    ulong at = bufStart + (ulong)i;
                    if (at % (ulong)alignment != 0) continue;
                    if (buf.Slice(i, pat.Length).SequenceEqual(pat))
                    {
                        onHit(at);
                        if (++hits >= maxHits) { truncated = true; return false; }
                    }
                }
            }

            int pos = 0;
            while (pos <= data.Length - pat.Length)
            {
                int i = data[pos..].IndexOf(pat);
                if (i < 0) break;
                ulong at = addr + (ulong)(pos + i);
                if (at % (ulong)alignment == 0)
                {
                    onHit(at);
                    if (++hits >= maxHits) { truncated = true; return false; }
                }
                pos += i + 1;
            }

            carryLen = Math.Min(pat.Length - 1, data.Length);
            data[^carryLen..].CopyTo(carry);
            carryEnd = addr + (ulong)data.Length;
            return true;
        });
        return new Stats(scanned, hits, truncated);
    }
}
